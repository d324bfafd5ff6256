// Fields that only matter for one choice of another field: <input data-show-when="stage=extended">
// (or "kind=out,in") is shown only while the named field has one of those values.
(function () {
  function wrapper(input) {
    return input.closest(".mb-3, .form-group, p") || input;
  }
  function currentValue(form, name) {
    const checked = form.querySelector(`[name="${name}"]:checked`);
    if (checked) return checked.value;
    const field = form.querySelector(`select[name="${name}"], input[name="${name}"]:not([type=radio])`);
    return field ? field.value : "";
  }
  function update(form) {
    form.querySelectorAll("[data-show-when]").forEach(function (input) {
      const [name, values] = input.dataset.showWhen.split("=");
      const shown = values.split(",").includes(currentValue(form, name));
      wrapper(input).hidden = !shown;
    });
  }
  document.querySelectorAll("form").forEach(function (form) {
    if (!form.querySelector("[data-show-when]")) return;
    form.addEventListener("change", function () { update(form); });
    update(form);
  });
})();

// Behaviour that templates ask for with data attributes, so that no page needs inline script (the
// Content-Security-Policy allows only these files):
//   <button data-print>                  prints the page
//   <button data-reload>                 reloads it
//   <a data-history-back>                goes back one page
//   <input data-select-on-click>         selects its text when clicked (a URL to copy)
//   <form data-confirm="…">, <button data-confirm="…">   asks before submitting
//   <form data-disable-on-submit>        disables its buttons once sent (no double submit)
(function () {
  document.addEventListener("click", function (event) {
    const target = event.target.closest("[data-print], [data-reload], [data-history-back], [data-select-on-click], button[data-confirm], a[data-confirm]");
    if (!target) return;
    if (target.matches("[data-print]")) window.print();
    else if (target.matches("[data-reload]")) window.location.reload();
    else if (target.matches("[data-history-back]")) { event.preventDefault(); window.history.back(); }
    else if (target.matches("[data-select-on-click]")) target.select();
    else if (!window.confirm(target.dataset.confirm)) event.preventDefault();
  });
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (form.matches("form[data-confirm]") && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      return;
    }
    if (form.matches("form[data-disable-on-submit]")) {
      // After this submit has gone out: disabling first would drop the button's name from the data.
      setTimeout(function () { form.querySelectorAll("button").forEach(function (button) { button.disabled = true; }); });
    }
  });
})();
