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
  var failures = 0;
  function failed() {
    // Signed out, or the server away: stop after a while instead of polling forever in silence.
    failures += 1;
    if (failures >= 10) { note.textContent = note.dataset.lost; return; }
    setTimeout(poll, 3000);
  }
  function poll() {
    fetch(card.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
        return response.ok && json ? response.json() : null;
      })
      .then(function (status) {
        if (!status) return failed();
        failures = 0;
        if (status.finished) return window.location.reload();
        bar.style.width = status.percent + "%";
        bar.textContent = status.percent + "%";
        bar.parentElement.setAttribute("aria-valuenow", status.percent);
        state.textContent = status.state_label;
        if (status.state === "running") note.textContent = status.note || note.dataset.working;
        setTimeout(poll, 1000);
      })
      .catch(failed);
  }
  setTimeout(poll, 500);
})();
