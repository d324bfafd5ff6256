// Show only the fields the chosen kind of transfer needs.
(function () {
  const form = document.getElementById("action-form");
  const rows = {to_branch: document.getElementById("div_id_to_branch"), external: document.getElementById("div_id_external_organisation")};
  function update() {
    const kind = (form.querySelector("input[name=kind]:checked") || {}).value;
    if (rows.to_branch) rows.to_branch.hidden = kind !== "within";
    if (rows.external) rows.external.hidden = kind === "within";
  }
  form.addEventListener("change", update);
  update();
})();
