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
