// One slide at a time: arrow keys, Page Up/Down, space, Home and End move; N shows the
// speaker notes; P opens the presenter view in a second window (this slide with its notes,
// the next slide, the time since the session started), which stays in step with this one:
// either window moves both. The address keeps the slide number (#3), so a reload stays put.
// Nothing is fetched: the presenter view is this same file, opened with ?presenter.
(function () {
  "use strict";
  var slides = Array.prototype.slice.call(document.querySelectorAll(".slide"));
  var counter = document.querySelector(".counter");
  var notesButton = document.querySelector("[data-notes]");
  var presenterButton = document.querySelector("[data-presenter]");
  var timer = document.querySelector(".timer");
  var presenting = /(^|[?&])presenter(=|&|$)/.test(window.location.search);
  var other = presenting ? window.opener : null; // the window kept in step with this one
  var current = 0;
  var started = Date.now();
  document.documentElement.classList.add("js");
  if (presenting) {
    document.body.classList.add("presenter", "show-notes");
    document.title = "Presenter view: " + document.title;
  }
  function tell(n) {
    if (other && !other.closed) { other.postMessage({ peerkitSlide: n }, "*"); }
  }
  function show(n, focus, quiet) {
    current = Math.max(0, Math.min(slides.length - 1, n));
    slides.forEach(function (slide, i) {
      slide.classList.toggle("current", i === current);
      var next = presenting && i === current + 1;
      slide.classList.toggle("next", next);
      if (next) { slide.setAttribute("aria-hidden", "true"); } else { slide.removeAttribute("aria-hidden"); }
    });
    counter.textContent = "Slide " + (current + 1) + " of " + slides.length;
    if (window.history.replaceState) {
      window.history.replaceState(null, "", window.location.search + "#" + (current + 1));
    }
    if (focus) { slides[current].focus({ preventScroll: true }); }
    if (!quiet) { tell(current); }
  }
  function toggleNotes() {
    var on = document.body.classList.toggle("show-notes");
    notesButton.setAttribute("aria-pressed", on ? "true" : "false");
  }
  function openPresenter() {
    var address = window.location.href.split("#")[0].split("?")[0] + "?presenter#" + (current + 1);
    var opened = window.open(address, "peerkit-presenter", "popup,width=1100,height=700");
    if (opened) { other = opened; opened.focus(); }
  }
  function tick() {
    var seconds = Math.floor((Date.now() - started) / 1000);
    var minutes = Math.floor(seconds / 60);
    timer.textContent = "Time: " + minutes + " min " + (seconds % 60 < 10 ? "0" : "") + (seconds % 60) + " s";
  }
  window.addEventListener("message", function (event) {
    // Only the window this one opened (or that opened it), and only a slide number. After
    // a reload the audience window knows its presenter view again by the view's opener.
    var n = event.data && event.data.peerkitSlide;
    if (typeof n !== "number" || n !== Math.floor(n) || !event.source) { return; }
    if (event.source !== other) {
      if (presenting || event.source.opener !== window) { return; }
      other = event.source;
    }
    show(n, false, true);
  });
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
    else if ((key === "n" || key === "N") && !presenting) { toggleNotes(); }
    else if ((key === "p" || key === "P") && !presenting) { openPresenter(); }
    else { return; }
    event.preventDefault();
  });
  document.querySelectorAll("[data-go]").forEach(function (button) {
    button.addEventListener("click", function () { show(current + Number(button.dataset.go)); });
  });
  notesButton.addEventListener("click", toggleNotes);
  presenterButton.addEventListener("click", openPresenter);
  document.querySelector("[data-restart]").addEventListener("click", function () {
    started = Date.now();
    tick();
  });
  if (presenting) {
    tick();
    window.setInterval(tick, 1000);
  }
  function fromAddress(quiet) {
    var n = parseInt(window.location.hash.slice(1), 10);
    show(isNaN(n) ? 0 : n - 1, false, quiet);
  }
  window.addEventListener("hashchange", function () { fromAddress(false); }); // #5 typed in
  fromAddress(true);
})();
