// Pins on a page under review: markers placed at their point (percentages of the page,
// set through the CSSOM, which the content security policy allows where inline styles
// are not), and a click on the page fills the pin form's point and moves to its comment.
(function () {
  "use strict";
  var page = document.querySelector("[data-pin-page]");
  if (!page) return;
  page.classList.add("placed");
  page.querySelectorAll(".pin-marker").forEach(function (marker) {
    marker.style.left = marker.dataset.x + "%";
    marker.style.top = marker.dataset.y + "%";
  });
  var image = page.querySelector("[data-pin-target]");
  var form = document.querySelector("[data-pin-form]");
  if (!image || !form) return;
  var draft = document.createElement("span");
  draft.className = "pin-marker pin-draft";
  draft.setAttribute("aria-hidden", "true");
  draft.textContent = "+";
  image.addEventListener("click", function (event) {
    var box = image.getBoundingClientRect();
    var x = Math.min(Math.max((event.clientX - box.left) / box.width, 0), 1);
    var y = Math.min(Math.max((event.clientY - box.top) / box.height, 0), 1);
    form.elements.x.value = x.toFixed(4);
    form.elements.y.value = y.toFixed(4);
    draft.style.left = x * 100 + "%";
    draft.style.top = y * 100 + "%";
    page.appendChild(draft);
    form.elements.text.focus();
  });
})();
