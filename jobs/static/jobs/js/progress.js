// Moves a job's progress bar by polling its status; when the job ends, the page reloads to show the
// download link (or the error) that the server renders.
(function () {
  "use strict";
  var card = document.getElementById("job");
  if (!card) return;
  var bar = card.querySelector(".job-bar");
  if (bar) bar.style.width = bar.dataset.percent + "%";
  if (card.dataset.state === "done" || card.dataset.state === "failed") return;
  var note = document.getElementById("job-note");
  var state = document.getElementById("job-state");
  function poll() {
    fetch(card.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (status) {
        if (!status) return setTimeout(poll, 3000);
        if (status.finished) return window.location.reload();
        bar.style.width = status.percent + "%";
        bar.textContent = status.percent + "%";
        bar.parentElement.setAttribute("aria-valuenow", status.percent);
        state.textContent = status.state_label;
        if (status.state === "running" && status.note) note.textContent = status.note;
        setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 500);
})();
