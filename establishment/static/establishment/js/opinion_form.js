// Deleting an opinion is asked once more before the form is sent.
document.getElementById("opinion-form").addEventListener("submit", function (event) {
  const ticked = this.querySelectorAll("input[name$='-DELETE']:checked").length;
  if (ticked && !window.confirm(JSON.parse(this.dataset.deleteQuestion).replace("%(count)s", ticked))) event.preventDefault();
});
