// The request form: sections that only matter for the community general branch, the posts edited by hand
// only when not filled by the guidance, and rows added to the posts and sub-branches.
(function () {
  const form = document.getElementById("request-form");
  const general = form.querySelector("[name=establish_general]");
  const fill = form.querySelector("[name=fill_by_r2]");
  function update() {
    form.querySelectorAll("[data-needs-general]").forEach(function (el) { el.hidden = !general.checked; });
    document.getElementById("manual-posts").hidden = fill.checked;
    document.getElementById("r2-deputy").hidden = !fill.checked;
  }
  form.addEventListener("change", update);
  update();
  // A long list of people shows only a few at a time: say under it who is chosen.
  function summarise(select) {
    let summary = select.parentElement.querySelector(".chosen-summary");
    if (!summary) {
      summary = document.createElement("div");
      summary.className = "chosen-summary small mt-1";
      select.after(summary);
    }
    const names = Array.from(select.selectedOptions).map(function (option) { return option.text.split("（")[0]; });
    summary.textContent = `${form.dataset.chosenLabel} ${names.length}：${names.join("、") || "—"}`;
  }
  function summariseAll() { form.querySelectorAll("select[multiple]").forEach(summarise); }
  form.addEventListener("change", function (event) { if (event.target.multiple) summarise(event.target); });
  summariseAll();
  form.querySelectorAll("[data-formset-add]").forEach(function (button) {
    button.addEventListener("click", function () {
      const prefix = button.dataset.formsetAdd;
      const total = form.querySelector(`[name=${prefix}-TOTAL_FORMS]`);
      const template = form.querySelector(`[data-formset-template=${prefix}]`);
      const body = form.querySelector(`[data-formset-body=${prefix}]`);
      body.insertAdjacentHTML("beforeend", template.innerHTML.replace(/__prefix__/g, total.value));
      total.value = String(Number(total.value) + 1);
      form.dispatchEvent(new Event("change"));  // app.js shows the sub-kind only for 'other'
      summariseAll();
    });
  });
})();
