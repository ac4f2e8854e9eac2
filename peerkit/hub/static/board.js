// The boards of shared answers (peerkit/hub/boards.py): keep the board live.
// Listens to the board's server-sent events and fetches the board's fragment (drawn
// and escaped by the service's template engine) when an answer changes; when the
// events stop, polls every few seconds until they are back.
(() => {
  const POLL_MS = 2000;
  const printButton = document.querySelector(".pk-print");
  if (printButton) {
    printButton.hidden = false;
    printButton.addEventListener("click", () => window.print());
  }
  const board = document.getElementById("pk-board");
  if (!board) return;
  const live = document.querySelector(".pk-live");
  const say = (state, text) => {
    live.dataset.state = state;
    if (live.textContent !== text) live.textContent = text;
  };

  let inFlight = false;
  let again = false;
  const refresh = async () => {
    if (inFlight) {
      again = true;
      return;
    }
    inFlight = true;
    try {
      const response = await fetch(board.dataset.fragment, {
        credentials: "same-origin",
        cache: "no-store",
        headers: { "X-XSRFToken": board.dataset.xsrf },
      });
      if (response.ok) {
        const template = document.createElement("template");
        template.innerHTML = await response.text();
        board.replaceChildren(template.content);
        board.dataset.updated = String(Date.now());
      } else if (response.status === 401 || response.status === 403) {
        say("signed-out", "You have been signed out. Reload the page to sign in again.");
      }
    } catch (error) {
      say("offline", "Cannot reach the course just now. The board will update when it is back.");
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
    say("polling", "This board checks for new answers every few seconds.");
    startPolling();
    return;
  }
  // An event stream cannot send headers: the token goes in the address instead.
  const join = board.dataset.events.includes("?") ? "&" : "?"; // one group of several: ?group=G
  const events = new EventSource(`${board.dataset.events}${join}_xsrf=${encodeURIComponent(board.dataset.xsrf)}`);
  events.addEventListener("open", () => {
    stopPolling();
    say("live", "Live: answers appear here as they are shared.");
    refresh(); // anything missed while the stream was away
  });
  events.addEventListener("changed", refresh);
  events.addEventListener("error", () => {
    say("polling", "Reconnecting. Until then, this board checks for new answers every few seconds.");
    startPolling();
  });
})();
