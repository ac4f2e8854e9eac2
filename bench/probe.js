// Runs in every page before its own scripts (bench/pages.py fills in the __NAMES__).
// Records, in ms from navigation start, the first frame in which the H1 is visible
// ("text") and the first in which every exercise is on the page and the first box holds
// a saved answer ("interactive"); and the wall clock of the last input event (autosave).
(() => {
  if (window.top !== window) return;
  const EXERCISES = __EXERCISES__, TEXTS = __TEXTS__, BOX = __BOX__, PARTS = __PARTS__;
  const marks = (window.__pk = {});
  const visible = (el) => !!el && el.getBoundingClientRect().height > 0 &&
    (!el.checkVisibility || el.checkVisibility({opacityProperty: true, visibilityProperty: true}));
  const done = () => marks.text !== undefined && marks.interactive !== undefined;
  function check() {
    const now = performance.now();
    if (marks.text === undefined && visible(document.querySelector('h1'))) {
      marks.text = now;
    }
    const box = document.querySelector(BOX);
    if (marks.interactive === undefined && box && !box.disabled && TEXTS.includes(box.value)
        && document.querySelectorAll(PARTS).length >= EXERCISES) {
      marks.interactive = now;
    }
  }
  // At most once a frame after a change, and every 100 ms (a value can change without
  // a DOM mutation); never a frame loop, which would itself load a busy machine.
  let scheduled = false;
  function schedule() {
    if (scheduled || done()) return;
    scheduled = true;
    requestAnimationFrame(() => { scheduled = false; check(); });
  }
  new MutationObserver(schedule).observe(document, {childList: true, subtree: true,
                                                    attributes: true, characterData: true});
  const poll = setInterval(() => { if (done()) clearInterval(poll); else schedule(); }, 100);
  document.addEventListener('input', () => {
    marks.lastInput = performance.timeOrigin + performance.now();
  }, true);
})();
