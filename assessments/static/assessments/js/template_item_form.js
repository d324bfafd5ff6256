// Show only the fields that apply to the item's kind, method and rule; the server checks them all anyway.
(function () {
  const form = document.getElementById("item-form");
  const value = (name) => (form.elements[name] || {}).value;
  function refresh() {
    const kind = value("kind"), method = value("method"), rule = value("rule_kind");
    const show = {
      scored: kind === "scored",
      points: kind !== "veto",
      deduction: kind !== "veto" && method === "deduction",
      automatic: kind !== "veto" && method === "automatic",
    };
    form.querySelectorAll("[data-show]").forEach((el) => { el.hidden = !show[el.dataset.show]; });
    form.querySelectorAll("[data-rule]").forEach((el) => { el.hidden = el.dataset.rule !== rule; });
  }
  form.addEventListener("change", refresh);
  refresh();
})();
