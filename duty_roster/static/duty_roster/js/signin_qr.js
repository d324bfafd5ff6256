// A screen left on at the post shows the new day's code: reload a little after midnight.
(function () {
  var now = new Date();
  var midnight = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, 0, 0, 30);
  setTimeout(function () { window.location.reload(); }, midnight - now);
})();
