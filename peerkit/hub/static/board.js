// The service's pages (peerkit/hub/boards.py): keep the live part of a page live.
// Listens to the session board's server-sent events and fetches the page's fragment
// (drawn and escaped by the service's template engine) when something it shows
// changes; when the events stop, polls every few seconds until they are back.
// Three kinds of live part (data-live): a board of shared answers (swapped whole),
// the work submitted to a facilitator (merged, never touching a feedback form being
// written in) and the group agreements (a box being written in is never overwritten).
(() => {
  const POLL_MS = 2000;
  const printButton = document.querySelector(".pk-print");
  if (printButton) {
    printButton.hidden = false;
    printButton.addEventListener("click", () => window.print());
  }
  const part = document.querySelector("[data-live]") || document.getElementById("pk-board");
  if (!part) return;
  const kind = part.dataset.live || "board";
  const live = document.querySelector(".pk-live");
  const say = (state, text) => {
    if (!live) return;
    live.dataset.state = state;
    if (live.textContent !== text) live.textContent = text;
  };
  const WORDS = {
    board: ["changed", "Live: answers appear here as they are shared.", "answers"],
    submitted: ["submitted", "Live: work appears here as it is submitted.", "submitted work"],
    agreement: ["agreement", "Live: you will see here if someone else saves an agreement.", "changes"],
  }[kind];
  const [eventName, liveText, what] = WORDS;

  // The work submitted: sections merged in place by id, so a form being written in
  // (and its focus) stays as it is; only the work and its feedback above it change.
  const writing = (section) => {
    const box = section.querySelector("textarea");
    return Boolean(box) && (box.value.trim() !== "" || box === document.activeElement);
  };
  const sections = (root) => [...root.children].filter((el) => el.classList.contains("pk-submission"));
  const mergeSubmitted = (content) => {
    const incoming = sections(content);
    const ids = new Set(incoming.map((s) => s.id));
    for (const old of sections(part)) {
      if (ids.has(old.id)) continue;
      if (!writing(old)) {
        old.remove();
      } else if (!old.classList.contains("pk-gone")) {
        // Withdrawn while being answered: the words stay, to copy; they cannot be sent.
        old.classList.add("pk-gone");
        const note = document.createElement("p");
        note.className = "pk-gone-note";
        note.setAttribute("role", "status");
        note.textContent = "This work is no longer submitted to you, so your feedback cannot be sent. Your words are kept here to copy.";
        old.querySelector("form").before(note);
        old.querySelector("button[type=submit]").disabled = true;
      }
    }
    let next = sections(part)[0] || null;
    let arrived = 0;
    for (const section of incoming) {
      const old = document.getElementById(section.id);
      if (old && old.parentElement === part) {
        const work = old.querySelector(".pk-work");
        const fresh = section.querySelector(".pk-work");
        if (work && fresh && work.innerHTML !== fresh.innerHTML) work.replaceWith(fresh);
        next = old.nextElementSibling;
      } else {
        part.insertBefore(section, next); // newest first: before the ones already here
        arrived += 1;
      }
    }
    if (arrived) say("live", arrived === 1 ? "1 new piece of work has arrived." : `${arrived} new pieces of work have arrived.`);
    const nothing = part.querySelector(":scope > .pk-nothing");
    const stillNothing = content.querySelector(":scope > .pk-nothing");
    if (nothing && !stillNothing) nothing.remove();
    if (!nothing && stillNothing && sections(part).length === 0) part.prepend(stillNothing);
  };

  // The agreements: a box no one has typed in takes the new words; one being
  // written in keeps them, with the version saved elsewhere shown beside it.
  const compareAgreements = (content) => {
    const now = new Map([...content.querySelectorAll(".pk-agreed")].map((a) => [a.dataset.group, a]));
    for (const form of part.querySelectorAll("form[data-group]")) {
      const agreed = now.get(form.dataset.group);
      const notice = form.querySelector(".pk-elsewhere");
      if (!agreed || agreed.dataset.version === form.dataset.version) continue;
      const box = form.querySelector("textarea");
      const words = agreed.querySelector(".pk-text").textContent;
      const recorded = form.querySelector(".pk-recorded");
      const take = () => {
        box.defaultValue = words;
        box.value = words;
        form.dataset.version = agreed.dataset.version;
        recorded.textContent = agreed.querySelector(".pk-when").textContent;
        recorded.hidden = recorded.textContent === "";
        notice.hidden = true;
      };
      if (box.value === box.defaultValue && box !== document.activeElement) {
        take();
        say("live", "Someone else saved an agreement: it is shown in its box.");
        continue;
      }
      const shown = notice.querySelector(".pk-elsewhere-text");
      shown.replaceChildren(...[...agreed.children].map((el) => el.cloneNode(true)));
      notice.dataset.version = agreed.dataset.version;
      notice.hidden = false;
      say("live", "Someone else saved an agreement while you were writing: it is shown above your words.");
      notice.querySelector(".pk-take").onclick = () => {
        take();
        box.focus();
      };
    }
  };

  const apply = { board: (content) => part.replaceChildren(content), submitted: mergeSubmitted, agreement: compareAgreements }[kind];

  let inFlight = false;
  let again = false;
  const refresh = async () => {
    if (inFlight) {
      again = true;
      return;
    }
    inFlight = true;
    try {
      const response = await fetch(part.dataset.fragment, {
        credentials: "same-origin",
        cache: "no-store",
        headers: { "X-XSRFToken": part.dataset.xsrf },
      });
      if (response.ok) {
        const template = document.createElement("template");
        template.innerHTML = await response.text();
        apply(template.content);
        part.dataset.updated = String(Date.now());
      } else if (response.status === 401 || response.status === 403) {
        say("signed-out", "You have been signed out. Reload the page to sign in again.");
      }
    } catch (error) {
      say("offline", "Cannot reach the course just now. This page will update when it is back.");
    } finally {
      inFlight = false;
      if (again) {
        again = false;
        refresh();
      }
    }
  };

  let poller = null;
  const startPolling = () => {
    if (!poller) poller = setInterval(refresh, POLL_MS);
  };
  const stopPolling = () => {
    clearInterval(poller);
    poller = null;
  };

  if (!("EventSource" in window)) {
    say("polling", `This page checks for new ${what} every few seconds.`);
    startPolling();
    return;
  }
  // An event stream cannot send headers: the token goes in the address instead.
  const join = part.dataset.events.includes("?") ? "&" : "?"; // one group of several: ?group=G
  const events = new EventSource(`${part.dataset.events}${join}_xsrf=${encodeURIComponent(part.dataset.xsrf)}`);
  events.addEventListener("open", () => {
    stopPolling();
    say("live", liveText);
    refresh(); // anything missed while the stream was away
  });
  events.addEventListener(eventName, refresh);
  events.addEventListener("error", () => {
    say("polling", `Reconnecting. Until then, this page checks for new ${what} every few seconds.`);
    startPolling();
  });
})();
