// A new year moves the six dates to that year, keeping month and day (the guidance's dates by default).
(function () {
  const form = document.getElementById("campaign-form");
  const year = form.querySelector("[name=year]");
  year.addEventListener("change", function () {
    if (!/^\d{4}$/.test(year.value)) return;
    form.querySelectorAll("input[type=date]").forEach(function (input) {
      if (input.value) input.value = year.value + input.value.slice(4);
    });
  });
})();
