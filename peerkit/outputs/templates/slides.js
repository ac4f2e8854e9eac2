// One slide at a time: arrow keys, Page Up/Down, space, Home and End move; N shows the
// speaker notes. The address keeps the slide number (#3), so a reload stays put.
(function () {
  "use strict";
  var slides = Array.prototype.slice.call(document.querySelectorAll(".slide"));
  var counter = document.querySelector(".counter");
  var notesButton = document.querySelector("[data-notes]");
  var current = 0;
  document.documentElement.classList.add("js");
  function show(n, focus) {
    current = Math.max(0, Math.min(slides.length - 1, n));
    slides.forEach(function (slide, i) { slide.classList.toggle("current", i === current); });
    counter.textContent = "Slide " + (current + 1) + " of " + slides.length;
    if (window.history.replaceState) { window.history.replaceState(null, "", "#" + (current + 1)); }
    if (focus) { slides[current].focus({ preventScroll: true }); }
  }
  function toggleNotes() {
    var on = document.body.classList.toggle("show-notes");
    notesButton.setAttribute("aria-pressed", on ? "true" : "false");
  }
  slides.forEach(function (slide) { slide.tabIndex = -1; });
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    var key = event.key;
    if (key === "ArrowRight" || key === "PageDown" || (key === " " && !event.shiftKey)) {
      show(current + 1, true);
    } else if (key === "ArrowLeft" || key === "PageUp" || (key === " " && event.shiftKey)) {
      show(current - 1, true);
    } else if (key === "Home") { show(0, true); }
    else if (key === "End") { show(slides.length - 1, true); }
    else if (key === "n" || key === "N") { toggleNotes(); }
    else { return; }
    event.preventDefault();
  });
  document.querySelectorAll("[data-go]").forEach(function (button) {
    button.addEventListener("click", function () { show(current + Number(button.dataset.go)); });
  });
  notesButton.addEventListener("click", toggleNotes);
  var start = parseInt(window.location.hash.slice(1), 10);
  show(isNaN(start) ? 0 : start - 1);
})();
