// Confirmation before an irreversible action, without inline script (the CSP forbids it):
// <button data-confirm="Câu hỏi?"> asks before its form is sent.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});
