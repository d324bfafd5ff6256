// The live count of each grade with the one-third warning, and "the rest qualified" in one tap.
(function () {
  const form = document.getElementById("review-form");
  function count() {
    const rows = form.querySelectorAll(".sheet-row");
    form.querySelector('[data-count="all"]').textContent = rows.length;
    form.querySelectorAll("[data-count]:not([data-count=all])").forEach(function (cell) {
      cell.textContent = form.querySelectorAll(`.sheet-row input[type=radio][value="${cell.dataset.count}"]:checked`).length;
    });
    const excellent = form.querySelectorAll(`.sheet-row input[type=radio][value="${form.dataset.excellent}"]:checked`).length;
    document.getElementById("excellent-over").hidden = !(excellent * 3 > rows.length);
  }
  form.addEventListener("change", count);
  document.getElementById("all-qualified").addEventListener("click", function () {
    form.querySelectorAll(".sheet-row").forEach(function (row) {
      if (row.querySelector('input[type=radio][value=""]:checked')) {
        row.querySelector(`input[type=radio][value="${form.dataset.qualified}"]`).checked = true;
      }
    });
    count();
  });
  count();
})();
