// The live count of each status, and "all present" in one tap.
(function () {
  const form = document.getElementById("attendance-form");
  function count() {
    const rows = form.querySelectorAll(".sheet-row");
    form.querySelector('[data-count="all"]').textContent = rows.length;
    form.querySelectorAll("[data-count]:not([data-count=all])").forEach(function (cell) {
      cell.textContent = form.querySelectorAll(`.sheet-row input[type=radio][value="${cell.dataset.count}"]:checked`).length;
    });
  }
  form.addEventListener("change", count);
  document.getElementById("all-present").addEventListener("click", function () {
    form.querySelectorAll('.sheet-row input[type=radio][value="present"]').forEach(function (radio) { radio.checked = true; });
    count();
  });
  count();
})();
