// One exercise's view: a form drawn from the kernel's spec, saved by the kernel.
//
// The browser decides what the learner is told about saving. Every edit gets a
// sequence number; the kernel answers each save with "saved" (or "refused").
// Until the latest edit is acknowledged the text is a draft: it is kept in
// localStorage (encrypted with a key the kernel gives, so it is unreadable
// without the learner's own course), resent until the kernel answers, and sent
// again by the next page that opens if this one never heard back.
//
// Learner text only ever reaches the DOM as .value or .textContent; the HTML
// pieces in the spec and in `panels` are course text or kernel-escaped HTML.

const QUIET_MS = 800; // save once the learner pauses this long...
const MAX_WAIT_MS = 4000; // ...or at least this often while they keep typing
const RESEND_MS = 3000; // resend the latest unacknowledged edit this often
const SLOW_MS = 6000; // no answer for this long: "not saved yet"
const LOST_MS = 20000; // no answer for this long: offer a reload
const REPLACED = "Some characters could not be saved as they were and have been replaced with \u201c\ufffd\u201d. Please check your text.";
const REPLY_MS = 10000; // a sharing choice or a submission unanswered this long: say so
const DRAFT_PREFIX = "peerkit:draft:";

let counter = 0;
const uid = (base) => `pk-${base}-${Date.now().toString(36)}-${++counter}`;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else if (name === "html") node.innerHTML = value; // course text or kernel-escaped HTML only
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

function hidden(text) {
  return el("span", { class: "peerkit-visually-hidden", text });
}

// --- text that can be saved --------------------------------------------------
function wellFormed(text) {
  if (typeof text.isWellFormed === "function") {
    return text.isWellFormed() ? text : text.toWellFormed();
  }
  return text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");
}

function textLength(value) {
  if (typeof value === "string") return value.length;
  if (Array.isArray(value)) return value.reduce((n, v) => n + textLength(v), 0);
  if (value && typeof value === "object") {
    return Object.values(value).reduce((n, v) => n + textLength(v), 0);
  }
  return 0;
}

function same(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

// --- drafts: kept in this browser until the kernel has saved them ------------
class Drafts {
  constructor(name, secret) {
    this.name = name ? DRAFT_PREFIX + name : "";
    this.key = undefined; // undefined until known; null when no draft can be kept
    this.ready = this._key(secret);
    this.ready.then((key) => {
      this.key = key;
    });
    this.chain = Promise.resolve();
  }

  async _key(secret) {
    if (!this.name || !secret || !globalThis.crypto || !crypto.subtle) return null;
    try {
      const raw = Uint8Array.from(atob(secret), (c) => c.charCodeAt(0));
      return await crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
    } catch (e) {
      return null;
    }
  }

  get kept() {
    return this.key !== null;
  }

  write(draft) {
    this.chain = this.chain.then(async () => {
      const key = await this.ready;
      if (!key) return;
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const plain = new TextEncoder().encode(JSON.stringify(draft));
      const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, plain));
      const pack = (bytes) => btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join(""));
      try {
        localStorage.setItem(this.name, JSON.stringify({ v: 1, iv: pack(iv), data: pack(sealed) }));
      } catch (e) {
        // Storage full or blocked: the text is still on the page and being resent.
      }
    });
    return this.chain;
  }

  clear() {
    this.chain = this.chain.then(() => {
      try {
        if (this.name) localStorage.removeItem(this.name);
      } catch (e) {
        /* nothing kept */
      }
    });
    return this.chain;
  }

  async read() {
    const key = await this.ready;
    if (!key) return null;
    let stored;
    try {
      stored = JSON.parse(localStorage.getItem(this.name) || "null");
    } catch (e) {
      stored = null;
    }
    if (!stored || stored.v !== 1) return null;
    try {
      const unpack = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
      const plain = await crypto.subtle.decrypt(
        { name: "AES-GCM", iv: unpack(stored.iv) },
        key,
        unpack(stored.data),
      );
      return JSON.parse(new TextDecoder().decode(plain));
    } catch (e) {
      // Sealed with a key that has since been erased: it can never be read, so drop it.
      this.clear();
      return null;
    }
  }
}

// --- fields -------------------------------------------------------------------
// Each field kind draws its block and knows how to read and write its value.
// `form` is the exercise's shared state: values, listeners and the save trigger.

function fieldGroup(block, form, { hint, tag = "div" } = {}) {
  const id = uid(block.key || "field");
  const group = el(tag, { class: `govuk-form-group ${block.class || ""}` });
  const hintId = hint ? `${id}-hint` : null;
  const errorId = `${id}-error`;
  const error = el("p", { class: "govuk-error-message", id: errorId, hidden: true });
  form.errorSlots[block.key] = { group, error };
  return { id, group, hintId, errorId, error };
}

function textField(block, form) {
  const { id, group, hintId, errorId, error } = fieldGroup(block, form, { hint: block.hint });
  group.classList.add("peerkit-input", "peerkit-text");
  const single = block.type === "line";
  const box = single
    ? el("input", { class: "govuk-input", type: "text", id, name: id, autocomplete: "off", spellcheck: "true" })
    : el("textarea", { class: "govuk-textarea", id, name: id, rows: block.rows || 5, spellcheck: "true" });
  if (block.placeholder) box.placeholder = block.placeholder;
  box.setAttribute("aria-describedby", [hintId, errorId].filter(Boolean).join(" "));
  const label = el("label", { class: "govuk-label", for: id, text: block.label });
  group.append(label);
  if (block.hint) group.append(el("div", { class: "govuk-hint", id: hintId, text: block.hint }));
  group.append(error, box);
  let after = null;
  if (block.after_writing) {
    after = el("div", { class: "peerkit-feedback", "aria-live": "polite" });
    group.append(after);
  }
  const showAfter = () => {
    if (!after) return;
    const written = box.value.trim() !== "";
    if (written && !after.firstChild) after.innerHTML = block.after_writing;
    if (!written) after.replaceChildren();
  };
  box.addEventListener("input", () => {
    form.values[block.key] = box.value;
    showAfter();
    form.edited(block.key);
  });
  form.setters[block.key] = (value) => {
    box.value = typeof value === "string" ? value : "";
    showAfter();
  };
  form.focusables[block.key] = box;
  return group;
}

function radiosField(block, form) {
  const { id, group, errorId, error } = fieldGroup(block, form);
  group.classList.add("peerkit-input", "peerkit-radios");
  const fieldset = el("fieldset", { class: "govuk-fieldset", "aria-describedby": errorId });
  fieldset.append(el("legend", { class: "govuk-fieldset__legend", html: block.legend }));
  const radios = el("div", { class: "govuk-radios" });
  const inputs = [];
  block.options.forEach((option, index) => {
    const inputId = `${id}-${index}`;
    const input = el("input", { class: "govuk-radios__input", type: "radio", id: inputId, name: id, value: option.value });
    const item = el(
      "div",
      { class: "govuk-radios__item" },
      input,
      el("label", { class: "govuk-label govuk-radios__label", for: inputId, text: option.label }),
    );
    input.addEventListener("change", () => {
      if (!input.checked) return;
      form.values[block.key] = option.value;
      showFeedback();
      form.edited(block.key, { now: true });
    });
    inputs.push(input);
    radios.append(item);
  });
  fieldset.append(error, radios);
  group.append(fieldset);
  const feedback = el("div", { class: "peerkit-feedback", "aria-live": "polite" });
  group.append(feedback);
  const showFeedback = () => {
    const chosen = form.values[block.key] || "";
    const html = (block.feedback || {})[chosen];
    feedback.replaceChildren();
    if (!html) return;
    if (!block.chosen_lead) {
      feedback.innerHTML = html;
      return;
    }
    const option = block.options.find((o) => o.value === chosen);
    const text = el("div", { class: "peerkit-feedback-text" }, el("strong", { text: `You chose ${option ? option.label : chosen}.` }), " ");
    text.insertAdjacentHTML("beforeend", html); // course text made safe by the exercise type
    feedback.append(text);
  };
  form.setters[block.key] = (value) => {
    for (const input of inputs) input.checked = input.value === value;
    showFeedback();
  };
  form.focusables[block.key] = inputs[0];
  return group;
}

function menuField(block, form) {
  const { id, group, hintId, errorId, error } = fieldGroup(block, form, { hint: block.hint });
  group.classList.add("peerkit-input", "peerkit-menu");
  const select = el("select", { class: "govuk-select", id, name: id });
  select.setAttribute("aria-describedby", [hintId, errorId].filter(Boolean).join(" "));
  for (const option of block.options) {
    select.append(el("option", { value: option.value, text: option.label }));
  }
  group.append(el("label", { class: "govuk-label", for: id, text: block.label }));
  if (block.hint) group.append(el("div", { class: "govuk-hint", id: hintId, text: block.hint }));
  group.append(error, select);
  const feedback = block.feedback ? el("div", { class: "peerkit-feedback", "aria-live": "polite" }) : null;
  if (feedback) group.append(feedback);
  const showFeedback = () => {
    if (!feedback) return;
    const html = block.feedback[select.value];
    if (html) feedback.innerHTML = html;
    else feedback.replaceChildren();
  };
  select.addEventListener("change", () => {
    form.values[block.key] = select.value;
    showFeedback();
    form.edited(block.key, { now: true });
  });
  form.setters[block.key] = (value) => {
    const wanted = typeof value === "string" ? value : "";
    select.value = block.options.some((o) => o.value === wanted) ? wanted : block.options[0].value;
    showFeedback();
  };
  form.focusables[block.key] = select;
  return group;
}

function listField(block, form) {
  const itemLabel = block.item_label || "Item";
  const lower = itemLabel.toLowerCase();
  const max = block.max_items || 100;
  const wrapper = el("div", { class: `peerkit-list peerkit-list-${block.css || "items"}` });
  const { error, errorId } = fieldGroup(block, form);
  form.errorSlots[block.key].group = wrapper;
  if (block.examples && block.examples.length) {
    wrapper.append(el("p", { class: "govuk-hint", text: `For example: ${block.examples.join(", ")}` }));
  }
  const rows = el("ol", { class: "peerkit-list-items" });
  const newId = uid("new");
  const newBox = el("input", {
    class: "govuk-input",
    type: "text",
    id: newId,
    autocomplete: "off",
    "aria-describedby": `${newId}-hint ${errorId}`,
  });
  const addButton = el(
    "button",
    { type: "button", class: "govuk-button govuk-button--secondary peerkit-add" },
    "Add",
    hidden(` ${lower}`),
  );
  const adder = el(
    "div",
    { class: "peerkit-list-adder" },
    el(
      "div",
      { class: "govuk-form-group peerkit-input peerkit-new-item" },
      el("label", { class: "govuk-label", for: newId, text: `New ${lower}` }),
      el("div", { class: "govuk-hint", id: `${newId}-hint`, text: "Type, then press Enter or Add." }),
      newBox,
    ),
    addButton,
  );
  wrapper.append(rows, error, adder);
  let items = [];

  const changed = (structural) => {
    form.values[block.key] = items.slice();
    form.edited(block.key, { now: structural });
  };
  const draw = () => {
    // Rows are rebuilt from `items`; the focused row keeps its focus by index.
    const active = document.activeElement;
    const focusIndex = [...rows.querySelectorAll("input")].indexOf(active);
    rows.replaceChildren();
    items.forEach((text, index) => {
      const number = index + 1;
      const id = uid("item");
      const box = el("input", { class: "govuk-input", type: "text", id, autocomplete: "off" });
      box.value = text;
      box.addEventListener("input", () => {
        items[index] = box.value;
        changed(false);
      });
      const remove = el(
        "button",
        { type: "button", class: "govuk-button govuk-button--secondary peerkit-remove" },
        "Remove",
        hidden(` ${lower} ${number}`),
      );
      remove.addEventListener("click", () => {
        items.splice(index, 1);
        draw();
        changed(true);
        const next = rows.querySelectorAll("input")[Math.min(index, items.length - 1)];
        (next || newBox).focus();
      });
      rows.append(
        el(
          "li",
          { class: "peerkit-item-row" },
          el(
            "div",
            { class: "govuk-form-group peerkit-input peerkit-item" },
            el("label", { class: "govuk-label", for: id, text: `${itemLabel} ${number}` }),
            box,
          ),
          remove,
        ),
      );
    });
    if (focusIndex >= 0) {
      const again = rows.querySelectorAll("input")[focusIndex];
      if (again) again.focus();
    }
  };
  const add = ({ keepFocus = true } = {}) => {
    const text = newBox.value.trim();
    if (!text) {
      form.showError(block.key, `Type a ${lower} first, then add it.`);
      newBox.focus();
      return;
    }
    if (items.length >= max) {
      form.showError(block.key, `This list holds up to ${max} items. Remove one to add another.`);
      return;
    }
    form.showError(block.key, "");
    items.push(text);
    newBox.value = "";
    draw();
    changed(true);
    if (keepFocus) newBox.focus();
  };
  newBox.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      add();
    }
  });
  addButton.addEventListener("click", () => add());
  // Leaving the box with words in it adds them, so they are saved too.
  newBox.addEventListener("change", () => {
    if (newBox.value.trim()) add({ keepFocus: false });
  });
  form.setters[block.key] = (value) => {
    items = Array.isArray(value) ? value.filter((v) => typeof v === "string").slice(0, max) : [];
    draw();
  };
  form.focusables[block.key] = newBox;
  return wrapper;
}

function revealField(block, form) {
  const wrapper = el("div", { class: "peerkit-reveal-block" });
  const { error } = fieldGroup(block, form);
  form.errorSlots[block.key].group = wrapper;
  const button = el("button", { type: "button", class: "govuk-button peerkit-reveal", text: block.button });
  const headingId = uid("discussion");
  const region = el("div", {
    class: "peerkit-discussion",
    role: "region",
    "aria-labelledby": headingId,
    hidden: true,
  });
  const heading = el("h3", { class: "govuk-heading-s", id: headingId, tabindex: "-1", text: block.heading });
  region.append(heading, el("div", { html: block.html }));
  wrapper.append(el("p", { class: "govuk-hint", text: block.hint }), error, button, region);
  const words = (key) => String(form.values[key] || "").trim().split(/\s+/).filter(Boolean).length;
  const written = () => (block.needs || []).some((key) => words(key) >= (block.min_words || 1));
  const show = (revealed) => {
    region.hidden = !revealed;
    button.hidden = revealed;
  };
  button.addEventListener("click", () => {
    if (!written()) {
      form.showError(block.key, block.error || block.hint);
      const first = form.focusables[(block.needs || [])[0]];
      if (first) first.focus();
      return;
    }
    form.showError(block.key, "");
    form.values[block.key] = "yes";
    show(true);
    heading.focus();
    form.edited(block.key, { now: true });
  });
  form.setters[block.key] = (value) => show(value === "yes");
  return wrapper;
}

function composeField(block, form) {
  const button = el("button", { type: "button", class: "govuk-button govuk-button--secondary peerkit-draft", text: block.button });
  button.addEventListener("click", () => {
    const pieces = block.parts
      .map((key) => [String((block.lead_ins || {})[key] || ""), String(form.values[key] || "").trim()])
      .filter(([, text]) => text)
      .map(([lead, text]) => [lead, text].filter(Boolean).join(" "));
    if (!pieces.length) {
      form.showError(block.target, "Write at least one part first; then your statement can be built from it.");
      return;
    }
    form.showError(block.target, "");
    const current = String(form.values[block.target] || "").trimEnd();
    const draft = pieces.join("\n\n");
    form.values[block.target] = current ? `${current}\n\n${draft}` : draft;
    form.setters[block.target](form.values[block.target]);
    form.edited(block.target, { now: true });
    form.focusables[block.target].focus();
  });
  return el("div", { class: "peerkit-compose" }, button);
}

function wordCount(block, form) {
  const line = el("p", { class: "peerkit-word-count govuk-hint" });
  const count = () => {
    const text = String(form.values[block.key] || "").trim();
    const words = text ? text.split(/\s+/).length : 0;
    const target = block.target ? ` (aim for about ${block.target.toLocaleString("en-GB")})` : "";
    line.textContent = `${words.toLocaleString("en-GB")} words${target}`;
  };
  form.listeners.push(count);
  count();
  return line;
}

function actionField(block, form) {
  const button = el("button", { type: "button", class: `govuk-button ${block.class || ""}`, text: block.button });
  button.addEventListener("click", () => form.act(block.name));
  return el("div", { class: "peerkit-action" }, button);
}

function panel(block, form) {
  const box = el("div", { class: `peerkit-panel ${block.class || ""}` });
  form.panels[block.name] = box;
  return box;
}

function grid(block, form) {
  const box = el("div", { class: `peerkit-grid ${block.class || ""}` });
  box.style.setProperty("--peerkit-columns", String(block.columns || 2));
  for (const child of block.children) {
    const drawn = draw(child, form);
    if (child.area) drawn.style.gridArea = child.area;
    box.append(drawn);
  }
  if (block.areas) box.style.gridTemplateAreas = block.areas;
  return box;
}

function group(block, form) {
  const box = el("div", { class: block.class || "" });
  for (const child of block.children) box.append(draw(child, form));
  return box;
}

const KINDS = {
  text: textField,
  line: textField,
  radios: radiosField,
  menu: menuField,
  list: listField,
  reveal: revealField,
  compose: composeField,
  words: wordCount,
  action: actionField,
  panel,
  grid,
  group,
  html: (block) => el("div", { class: block.class || "peerkit-course-text", html: block.html }),
};

function draw(block, form) {
  const kind = KINDS[block.type];
  if (!kind) return el("p", { class: "govuk-error-message", text: "This part of the exercise could not be shown." });
  return kind(block, form);
}

// --- the status line ----------------------------------------------------------
const MESSAGES = {
  saving: "Saving…",
  waiting:
    "Not saved yet: the course is not answering. Your words are kept in this browser and will be saved when it answers.",
  waitingNoDraft:
    "Not saved yet: the course is not answering. Keep this page open; your words will be saved when it answers.",
  lost:
    "Not saved: this page has lost its connection to the course. Your words are kept in this browser. Reload the page to carry on; they will be saved then.",
  lostNoDraft:
    "Not saved: this page has lost its connection to the course. Copy your words somewhere safe before you reload the page.",
};

// --- the exercise ---------------------------------------------------------------
// --- who can see the answer (in a class only) --------------------------------
function shareControl(sharing, send, view) {
  const id = uid("share");
  const labels = Object.fromEntries(sharing.choices.map(([value, label]) => [value, label]));
  let current = sharing.audience || "";
  // Someone in several groups says which group "my group" is: none until they do.
  const groups = Array.isArray(sharing.groups) ? sharing.groups : [];
  let group = sharing.group || ""; // as saved
  let picked = group; // as chosen on the page
  let waiting = ""; // a choice of "my group" waiting for its group
  const forGroup = (value) => value === "group" || value === "group-named";
  const details = el("details", { class: "govuk-details peerkit-share" });
  const summaryText = el("span", { class: "govuk-details__summary-text" });
  details.append(el("summary", { class: "govuk-details__summary" }, summaryText));
  const body = el("div", { class: "govuk-details__text" });
  const fieldset = el("fieldset", { class: "govuk-fieldset", "aria-describedby": `${id}-hint` });
  fieldset.append(
    el("legend", { class: "govuk-fieldset__legend govuk-fieldset__legend--s", text: "Who can see this answer?" }),
    el("div", {
      class: "govuk-hint",
      id: `${id}-hint`,
      text: "Only you, unless you choose otherwise. You can change this at any time: when you stop sharing, the answer leaves every board at once.",
    }),
  );
  const radios = el("div", { class: "govuk-radios govuk-radios--small" });
  const inputs = {};
  const message = el("p", { class: "peerkit-share-message", role: "status" });
  let unanswered = null;
  const failed = (text) => {
    clearTimeout(unanswered);
    waiting = "";
    picked = group;
    show();
    message.classList.add("peerkit-share-error");
    message.textContent = text;
  };
  const groupInputs = {};
  const groupBox = el("fieldset", { class: "govuk-fieldset peerkit-share-groups", hidden: "" });
  const show = () => {
    const shown = waiting || current;
    for (const [value, input] of Object.entries(inputs)) input.checked = value === shown;
    for (const [name, input] of Object.entries(groupInputs)) input.checked = name === picked;
    groupBox.hidden = !(groups.length > 1 && forGroup(shown));
    const which = groups.length > 1 && forGroup(current);
    summaryText.textContent = !current
      ? "Who can see this: could not be checked just now (only you, until you choose)"
      : which && !group
        ? "Who can see this: only you, until you choose which group"
        : `Who can see this: ${labels[current] || labels.private}${which ? ` (\u201c${group}\u201d)` : ""}`;
  };
  const choose = (value) => {
    message.classList.remove("peerkit-share-error");
    if (forGroup(value) && groups.length > 1 && !picked) {
      waiting = value;
      message.textContent = "Now choose which group can see it. No group sees it until you do.";
      show();
      return;
    }
    waiting = "";
    message.textContent = "Saving your choice\u2026";
    const body = { type: "share", audience: value, view };
    if (forGroup(value) && groups.length > 1) body.group = picked;
    if (!send(body)) {
      failed("Your choice could not be saved: the course is not connected. Please try again.");
      return;
    }
    clearTimeout(unanswered);
    unanswered = setTimeout(
      () => failed("No answer from the course, so your choice is as it was. Reload the page and try again."),
      REPLY_MS,
    );
  };
  for (const [value, label, hint] of sharing.choices) {
    const inputId = `${id}-${value}`;
    const input = el("input", { class: "govuk-radios__input", type: "radio", id: inputId, name: id, value, "aria-describedby": `${inputId}-hint` });
    input.addEventListener("change", () => {
      if (input.checked) choose(value);
    });
    inputs[value] = input;
    radios.append(
      el(
        "div",
        { class: "govuk-radios__item" },
        input,
        el(
          "div",
          {},
          el("label", { class: "govuk-label govuk-radios__label", for: inputId, text: label }),
          el("div", { class: "govuk-hint govuk-radios__hint", id: `${inputId}-hint`, text: hint }),
        ),
      ),
    );
  }
  fieldset.append(radios);
  if (groups.length > 1) {
    groupBox.append(el("legend", { class: "govuk-fieldset__legend govuk-fieldset__legend--s", text: "Which of your groups?" }));
    const list = el("div", { class: "govuk-radios govuk-radios--small" });
    for (const name of groups) {
      const inputId = uid("share-group");
      const input = el("input", { class: "govuk-radios__input", type: "radio", id: inputId, name: `${id}-group`, value: name });
      input.addEventListener("change", () => {
        if (!input.checked) return;
        picked = name;
        const value = waiting || current;
        if (forGroup(value)) choose(value);
      });
      groupInputs[name] = input;
      list.append(
        el("div", { class: "govuk-radios__item" }, input, el("label", { class: "govuk-label govuk-radios__label", for: inputId, text: name })),
      );
    }
    groupBox.append(list);
    fieldset.append(groupBox);
  }
  body.append(fieldset, message);
  details.append(body);
  show();
  return {
    node: details,
    reply(answer) {
      clearTimeout(unanswered);
      if (answer.type === "shared") {
        current = answer.audience;
        group = answer.group || "";
        picked = group || picked;
        waiting = "";
        message.classList.remove("peerkit-share-error");
        message.textContent = `Saved: ${answer.label}${group && groups.length > 1 ? ` (\u201c${group}\u201d)` : ""}.`;
      } else {
        picked = group;
        waiting = "";
        message.classList.add("peerkit-share-error");
        message.textContent = answer.message;
      }
      show();
    },
  };
}

// --- submitting to the facilitator, and their feedback (in a class only) ------
function submitControl(state, send, view, flush) {
  const box = el("div", { class: "peerkit-submit" });
  const heading = el("p", { class: "peerkit-submit-heading", text: "Submit to my facilitator" });
  const hint = el("p", {
    class: "govuk-hint",
    text: "Submitting sends your facilitator a copy of this work as it is now, with your name, whatever you chose under \u201cWho can see this\u201d. Changes you make afterwards are not sent unless you submit again.",
  });
  const button = el("button", { type: "button", class: "govuk-button govuk-button--secondary peerkit-submit-button", text: "Submit to my facilitator" });
  const message = el("p", { class: "peerkit-submit-message", role: "status" });
  const feedback = el("div", { class: "peerkit-review" });
  box.append(heading, hint, button, message, feedback);
  let items = state.items || [];
  let unanswered = null;
  const failed = (text) => {
    clearTimeout(unanswered);
    button.disabled = false;
    message.classList.add("peerkit-submit-error");
    message.textContent = text;
  };
  const show = () => {
    const latest = items[0];
    if (!message.classList.contains("peerkit-submit-error")) {
      message.textContent = latest ? `You submitted this on ${latest.when}.` : (state.error || "");
    }
    feedback.replaceChildren();
    const notes = items.flatMap((item) => item.feedback.map((note) => ({ ...note, on: item.when })));
    if (!notes.length) return;
    feedback.append(el("h3", { class: "peerkit-review-heading", text: "Feedback from your facilitator" }));
    const list = el("ul", { class: "peerkit-review-list" });
    for (const note of notes) {
      list.append(
        el(
          "li",
          {},
          el("p", { class: "peerkit-review-who", text: `${note.author}, ${note.when} (on the work you submitted on ${note.on})` }),
          el("p", { class: "peerkit-review-text", text: note.text }),
        ),
      );
    }
    feedback.append(list);
  };
  button.addEventListener("click", () => {
    flush();
    message.classList.remove("peerkit-submit-error");
    message.textContent = "Submitting\u2026";
    button.disabled = true;
    if (!send({ type: "submit", view })) {
      failed("Your work could not be submitted: the course is not connected. It is still here. Please try again.");
      return;
    }
    clearTimeout(unanswered);
    unanswered = setTimeout(
      () => failed("No answer from the course, so your work may not have been submitted. It is still here: reload the page and try again."),
      REPLY_MS,
    );
  });
  show();
  return {
    node: box,
    reply(answer) {
      clearTimeout(unanswered);
      button.disabled = false;
      if (answer.type === "submitted") {
        items = answer.state.items || [];
        message.classList.remove("peerkit-submit-error");
        show();
        message.textContent = `Submitted to your facilitator on ${answer.when}.`;
      } else {
        message.classList.add("peerkit-submit-error");
        message.textContent = answer.message;
      }
    },
    update(next) {
      items = next.items || [];
      show();
    },
  };
}

// --- the group's board beside the exercise (in a class only) -------------------
// Someone in several groups sees one group's board at a time, the one they choose:
// none at first, so no idea is added to a group's board they did not pick.
const CHOOSE_BOARD = "Choose which group\u2019s board first: your idea goes to that group only.";

function boardControl(state, send, view) {
  const id = uid("board");
  const several = Array.isArray(state.groups) && state.groups.length > 1;
  const box = el("section", { class: "peerkit-board", "aria-labelledby": `${id}-h` });
  const list = el("ul", { class: "peerkit-board-list" });
  const empty = el("p", { class: "peerkit-board-empty", text: "No ideas on the board yet." });
  const trouble = el("p", { class: "peerkit-board-error", role: "status" });
  box.append(
    el("h3", { class: "peerkit-board-heading", id: `${id}-h`, text: several ? "Your groups\u2019 boards" : "Our group\u2019s board" }),
    el("p", {
      class: "govuk-hint",
      text: several
        ? "You are in more than one group, and each has its own board: its people see only theirs. Choose one to see its ideas and add yours."
        : "Ideas people in your group chose to add. New ones appear here as they are added.",
    }),
  );
  // The choice of group (several groups only): a plain select, nothing chosen at first.
  const picker = el("select", { class: "govuk-select peerkit-board-group", id: `${id}-group` });
  picker.append(el("option", { value: "", text: "Choose a group" }));
  for (const name of several ? state.groups : []) picker.append(el("option", { value: name, text: name }));
  if (several) {
    box.append(
      el(
        "div",
        { class: "govuk-form-group peerkit-board-choose" },
        el("label", { class: "govuk-label", for: `${id}-group`, text: "Which group\u2019s board?" }),
        picker,
      ),
    );
  }
  box.append(list, empty, trouble);
  let current = state;
  // Adding an idea: a form of its own, so the list can change while the learner types.
  const area = el("textarea", { class: "govuk-textarea", id: `${id}-idea`, rows: "2", "aria-describedby": `${id}-hint` });
  const addHint = el("div", { class: "govuk-hint", id: `${id}-hint` });
  const named = el("input", { class: "govuk-checkboxes__input", type: "checkbox", id: `${id}-named` });
  const add = el("button", { type: "button", class: "govuk-button govuk-button--secondary peerkit-board-add", text: "Add to the board" });
  const message = el("p", { class: "peerkit-board-message", role: "status" });
  box.append(
    el(
      "div",
      { class: "govuk-form-group peerkit-board-form" },
      el("label", { class: "govuk-label", for: `${id}-idea`, text: "Add an idea to the group\u2019s board" }),
      addHint,
      area,
      el(
        "div",
        { class: "govuk-checkboxes govuk-checkboxes--small" },
        el(
          "div",
          { class: "govuk-checkboxes__item" },
          named,
          el("label", { class: "govuk-label govuk-checkboxes__label", for: `${id}-named`, text: "Show my name with it" }),
        ),
      ),
      add,
      message,
    ),
  );
  // Hiding one (facilitators): also kept apart from the list.
  const hidePanel = el("div", { class: "peerkit-board-hide", hidden: true });
  const hideWhat = el("p", { class: "peerkit-board-hide-what" });
  const reason = el("textarea", { class: "govuk-textarea", id: `${id}-reason`, rows: "2" });
  const hideIt = el("button", { type: "button", class: "govuk-button govuk-button--warning peerkit-board-hide-it", text: "Hide it" });
  const cancel = el("button", { type: "button", class: "govuk-button govuk-button--secondary", text: "Cancel" });
  hidePanel.append(
    hideWhat,
    el("label", { class: "govuk-label", for: `${id}-reason`, text: "Why you are hiding it (its contributor sees this)" }),
    reason,
    hideIt,
    cancel,
  );
  box.append(hidePanel);
  let hiding = null;
  let key = null;
  let waiting = null;
  const say = (text, error = false) => {
    clearTimeout(waiting);
    message.classList.toggle("peerkit-board-error", error);
    message.textContent = text;
  };
  const ask = (request) => {
    if (!send({ ...request, view })) {
      say("That could not be done: the course is not connected. Please try again.", true);
      return;
    }
    clearTimeout(waiting);
    waiting = setTimeout(() => say("No answer from the course, so the board is as it was. Reload the page and try again.", true), REPLY_MS);
  };
  picker.addEventListener("change", () => {
    key = null; // an idea for another group is another idea
    say(picker.value ? "Opening that group\u2019s board\u2026" : "");
    ask({ type: "idea-group", group: picker.value });
  });
  add.addEventListener("click", () => {
    if (several && !current.group) {
      say(CHOOSE_BOARD, true);
      picker.focus();
      return;
    }
    if (!area.value.trim()) {
      say("Write your idea first.", true);
      area.focus();
      return;
    }
    key = key || `${uid("idea")}-${Math.random().toString(36).slice(2)}`; // the same on a retry
    say("Adding your idea\u2026");
    ask({ type: "idea-add", text: area.value, named: named.checked, key, group: current.group || "" });
  });
  hideIt.addEventListener("click", () => {
    if (!hiding) return;
    if (!reason.value.trim()) {
      say("Write your reason first.", true);
      reason.focus();
      return;
    }
    say("Hiding it\u2026");
    ask({ type: "idea-hide", idea: hiding, reason: reason.value });
  });
  cancel.addEventListener("click", () => {
    hiding = null;
    hidePanel.hidden = true;
  });
  const draw = (next) => {
    current = next;
    const ideas = next.ideas || [];
    const group = next.group || "";
    trouble.textContent = next.error || "";
    empty.hidden = ideas.length > 0;
    if (several) {
      if (picker.value !== group && document.activeElement !== picker) picker.value = group;
      empty.textContent = group ? "No ideas on this group\u2019s board yet." : "Choose a group to see its board.";
      addHint.textContent = group
        ? `Only the group \u201c${group}\u201d and its facilitator see it, without your name unless you tick the box. You can take it off the board at any time.`
        : CHOOSE_BOARD;
    } else {
      addHint.textContent = "Your group and facilitator see it without your name, unless you tick the box. You can take it off the board at any time.";
    }
    // A redraw keeps the keyboard where it was: on the same idea's button.
    const active = list.contains(document.activeElement) ? document.activeElement : null;
    const focusedIdea = active && active.closest("[data-idea]") ? active.closest("[data-idea]").dataset.idea : null;
    list.replaceChildren();
    for (const idea of ideas) {
      const item = el("li", { class: "peerkit-board-idea", "data-idea": String(idea.id) });
      item.append(el("p", { class: "peerkit-board-text", text: idea.text }));
      item.append(el("p", { class: "peerkit-board-who", text: idea.who || "Shared without a name" }));
      if (idea.hidden) {
        item.classList.add("peerkit-board-hidden");
        const why = idea.mine ? `Hidden by your facilitator: ${idea.reason}` : `Hidden from the group: ${idea.reason}`;
        item.append(el("p", { class: "peerkit-board-reason", text: why }));
      }
      if (idea.mine) {
        const off = el("button", { type: "button", class: "govuk-button govuk-button--secondary peerkit-board-withdraw", text: "Take it off the board" });
        off.addEventListener("click", () => {
          say("Taking it off the board\u2026");
          ask({ type: "idea-withdraw", idea: idea.id });
        });
        item.append(off);
      } else if (next.facilitating && !idea.hidden) {
        const hide = el("button", { type: "button", class: "govuk-button govuk-button--secondary peerkit-board-hide-button", text: "Hide" });
        hide.addEventListener("click", () => {
          hiding = idea.id;
          hideWhat.textContent = `Hide this idea from the group: \u201c${idea.text}\u201d`;
          hidePanel.hidden = false;
          reason.focus();
        });
        item.append(hide);
      }
      list.append(item);
    }
    if (focusedIdea) {
      const again = list.querySelector(`[data-idea="${focusedIdea}"] button`);
      if (again) again.focus();
    }
    if (hiding && !ideas.some((idea) => idea.id === hiding && !idea.hidden)) {
      hiding = null;
      hidePanel.hidden = true;
    }
  };
  draw(state);
  return {
    node: box,
    update: draw,
    reply(answer) {
      if (answer.type === "idea-done") {
        if (answer.request === "idea-group") {
          say(answer.group ? `Showing the board of \u201c${answer.group}\u201d.` : "No group\u2019s board chosen.");
        } else if (answer.request === "idea-add") {
          area.value = "";
          named.checked = false;
          key = null;
          say("Added to the board.");
        } else if (answer.request === "idea-hide") {
          hiding = null;
          hidePanel.hidden = true;
          reason.value = "";
          say("Hidden from the group. Its contributor sees your reason.");
        } else {
          say("Taken off the board.");
          area.focus();
        }
      } else {
        say(answer.message, true);
      }
    },
  };
}

function render({ model, el: root }) {
  const spec = model.get("spec") || {};
  const view = uid("view");
  const drafts = new Drafts(model.get("draft_key"), model.get("draft_secret"));
  root.classList.add("peerkit-widget");
  for (const name of spec.classes || []) root.classList.add(name);

  const form = {
    values: {},
    setters: {},
    focusables: {},
    errorSlots: {},
    panels: {},
    listeners: [],
    edited: () => {},
    act: () => {},
    showError(key, message) {
      const slot = this.errorSlots[key];
      if (!slot) return;
      slot.error.replaceChildren();
      if (message) slot.error.append(hidden("Error: "), document.createTextNode(message));
      slot.error.hidden = !message;
      slot.group.classList.toggle("govuk-form-group--error", Boolean(message));
    },
  };

  for (const block of spec.header || []) root.append(draw(block, form));
  for (const block of spec.blocks || []) root.append(draw(block, form));
  const notice = el("div", { class: "peerkit-notice", hidden: true });
  const status = el("p", { class: "peerkit-status", role: "status", "data-state": "idle" });
  const reload = el("button", { type: "button", class: "govuk-button govuk-button--secondary peerkit-reload", text: "Reload the page", hidden: true });
  reload.addEventListener("click", () => location.reload());
  root.append(notice, status, reload);
  const sharing = model.get("sharing") || {};
  let share = null;

  // --- state ---
  let seq = 0; // the latest edit
  let acked = 0; // the latest edit the kernel has answered
  let sentAt = 0; // when the latest unacknowledged edit was first sent
  let base = model.get("revision") || 0; // the revision our text builds on
  let lastEditKey = null;
  let quietTimer = null;
  let firstUnsent = 0;
  let ticker = null;
  const autosave = spec.autosave !== false;
  const maxChars = spec.max_chars || 100000;

  const setStatus = (state, text, { error = false } = {}) => {
    status.dataset.state = state;
    status.classList.toggle("peerkit-status-error", error);
    if (status.textContent !== text) status.textContent = text;
    reload.hidden = state !== "lost";
  };

  const applyValues = (values) => {
    form.values = { ...(values || {}) };
    for (const [key, set] of Object.entries(form.setters)) set(form.values[key]);
    for (const listener of form.listeners) listener();
  };

  const applyPanels = () => {
    const panels = model.get("panels") || {};
    for (const [name, box] of Object.entries(form.panels)) {
      box.innerHTML = panels[name] || ""; // drawn and escaped by the kernel
    }
  };

  const unsaved = () => seq > acked;

  const cleanValues = () => {
    let changed = false;
    const clean = (value) => {
      if (typeof value === "string") {
        const fixed = wellFormed(value);
        if (fixed !== value) changed = true;
        return fixed;
      }
      if (Array.isArray(value)) return value.map(clean);
      return value;
    };
    for (const [key, value] of Object.entries(form.values)) form.values[key] = clean(value);
    if (changed) {
      for (const [key, set] of Object.entries(form.setters)) set(form.values[key]);
    }
    return changed;
  };

  const send = (message) => {
    try {
      model.send(message);
      return true;
    } catch (e) {
      return false;
    }
  };

  if (Array.isArray(sharing.choices) && sharing.choices.length) {
    share = shareControl(sharing, send, view);
    root.append(share.node);
  }
  let board = null;
  const offerBoard = () => {
    const state = model.get("board") || {};
    if (!Array.isArray(state.ideas)) return;
    if (board) return board.update(state);
    board = boardControl(state, send, view);
    root.append(board.node);
  };
  let submitter = null;
  const offerSubmit = () => {
    const state = model.get("submission") || {};
    if (!Array.isArray(state.items)) return;
    if (submitter) return submitter.update(state);
    submitter = submitControl(state, send, view, () => saveNow());
    root.append(submitter.node);
  };

  const sendLatest = () => {
    if (!unsaved()) return;
    if (!sentAt) sentAt = Date.now();
    send({ type: "save", seq, base, view, value: form.values });
  };

  const tick = () => {
    if (!unsaved()) {
      clearInterval(ticker);
      ticker = null;
      return;
    }
    const waited = sentAt ? Date.now() - sentAt : 0;
    if (waited >= LOST_MS) setStatus("lost", drafts.kept ? MESSAGES.lost : MESSAGES.lostNoDraft, { error: true });
    else if (waited >= SLOW_MS || !navigator.onLine) {
      setStatus("waiting", drafts.kept ? MESSAGES.waiting : MESSAGES.waitingNoDraft, { error: true });
    }
    // An edit still in its debounce is sent by saveNow (after the pause, or at the
    // maximum wait): resending here would save in the middle of typing.
    if (!quietTimer) sendLatest();
  };

  const saveNow = () => {
    clearTimeout(quietTimer);
    quietTimer = null;
    firstUnsent = 0;
    if (!unsaved()) return;
    if (textLength(form.values) > maxChars) return; // refused already, beside the field
    sendLatest();
    if (!ticker) ticker = setInterval(tick, RESEND_MS);
  };

  form.edited = (key, { now = false } = {}) => {
    lastEditKey = key;
    for (const listener of form.listeners) listener();
    if (!autosave) return;
    if (cleanValues()) {
      form.showError(key, REPLACED);
    } else {
      // Said until the learner has checked the text: gone once no "\ufffd" is left in it.
      const slot = form.errorSlots[key];
      const text = JSON.stringify(form.values[key] ?? "");
      if (slot && slot.error.textContent === `Error: ${REPLACED}` && !text.includes("\ufffd")) {
        form.showError(key, "");
      }
    }
    const length = textLength(form.values);
    if (length > maxChars) {
      form.showError(
        key,
        `This answer is ${length.toLocaleString("en-GB")} characters long, over the limit of ${maxChars.toLocaleString("en-GB")}, so it has not been saved. Your text is still here: please shorten it or split it across answers.`,
      );
      setStatus("refused", "Not saved: this answer is too long.", { error: true });
      seq += 1;
      return;
    }
    const slot = form.errorSlots[key];
    if (slot && slot.error.textContent.startsWith("Error: This answer is")) form.showError(key, "");
    seq += 1;
    sentAt = 0;
    drafts.write({ value: form.values, base, at: Date.now() });
    if (!status.dataset.state.match(/waiting|lost/)) setStatus("saving", MESSAGES.saving);
    if (now) return saveNow();
    const nowMs = Date.now();
    if (!firstUnsent) firstUnsent = nowMs;
    clearTimeout(quietTimer);
    const wait = Math.max(0, Math.min(QUIET_MS, firstUnsent + MAX_WAIT_MS - nowMs));
    quietTimer = setTimeout(saveNow, wait);
  };

  form.act = (name) => {
    seq += 1;
    sentAt = Date.now();
    setStatus("saving", MESSAGES.saving);
    send({ type: "action", name, seq, base, view, value: form.values });
    if (!ticker) ticker = setInterval(tick, RESEND_MS);
  };

  const showNotice = (message) => {
    notice.replaceChildren();
    if (!message) {
      notice.hidden = true;
      return;
    }
    const text = el("p", { text: message.text });
    notice.append(text);
    if (message.other) {
      const button = el("button", { type: "button", class: "govuk-button govuk-button--secondary peerkit-show-other", text: message.button });
      button.addEventListener("click", () => {
        // The text on this page is saved already (a revision), so nothing is lost.
        base = message.other.revision;
        applyValues(message.other.value);
        showNotice(null);
        setStatus("saved", message.other.label);
        const first = Object.values(form.focusables)[0];
        if (first) first.focus();
      });
      notice.append(button);
    }
    notice.hidden = false;
  };

  model.on("msg:custom", (message) => {
    if (!message || message.view !== view) return;
    if (message.type === "shared" || message.type === "share-failed") {
      if (share) share.reply(message);
      return;
    }
    if (message.type === "submitted" || message.type === "submit-failed") {
      if (submitter) submitter.reply(message);
      return;
    }
    if (message.type === "idea-done" || message.type === "idea-failed") {
      if (board) board.reply(message);
      return;
    }
    if (message.type === "saved" || message.type === "refused") {
      const told = (other) =>
        showNotice({
          text: `This answer was also changed in another page or tab (${other.label.replace(/^Saved /, "saved ")}). Your text here is saved; the other version is kept in your history on the My data page.`,
          other,
          button: "Show the other version",
        });
      if (message.seq < seq && message.type === "saved" && autosave) {
        if (message.revision) base = message.revision;
        if (message.elsewhere) told(message.elsewhere);
        return; // an older edit; the latest is still on its way
      }
      acked = Math.max(acked, message.seq);
      sentAt = 0;
      if (message.type === "refused") {
        form.showError(lastEditKey || Object.keys(form.errorSlots)[0], message.message);
        setStatus("refused", "Not saved: " + (message.short || "see the message above."), { error: true });
        return;
      }
      base = message.revision || base;
      drafts.clear();
      if (message.values) applyValues(message.values);
      setStatus("saved", message.label);
      // A notice about another page stays until the learner has read it and chosen.
      if (message.elsewhere) told(message.elsewhere);
      if (message.restored) {
        showNotice({ text: "Words you typed the last time this page was open, which had not been saved then, have now been saved." });
      }
      return;
    }
    if (message.type === "failed") {
      // The kernel is there but could not write; it keeps our edit and we keep resending.
      setStatus("waiting", message.message, { error: true });
      return;
    }
    if (message.type === "newer") {
      if (unsaved()) return; // our own save will meet it
      showNotice({
        text: `This answer was changed in another page or tab (${message.other.label.replace(/^Saved /, "saved ")}).`,
        other: message.other,
        button: "Show the newer version",
      });
    }
  });

  const checkElsewhere = () => {
    if (document.visibilityState === "visible" && autosave && !unsaved()) {
      send({ type: "check", base, view });
    }
  };
  document.addEventListener("visibilitychange", checkElsewhere);
  root.addEventListener("focusin", () => {
    const now = Date.now();
    if (now - (root._peerkitChecked || 0) > 10000) {
      root._peerkitChecked = now;
      checkElsewhere();
    }
  });
  window.addEventListener("online", () => unsaved() && sendLatest());

  model.on("change:panels", applyPanels);
  model.on("change:submission", offerSubmit);
  model.on("change:board", offerBoard);
  model.on("change:values", () => {
    if (!unsaved()) {
      base = model.get("revision") || base;
      applyValues(model.get("values"));
    }
  });
  model.on("change:status", () => {
    const told = model.get("status") || {};
    if (told.text && !unsaved()) setStatus(told.state || "idle", told.text, { error: Boolean(told.error) });
  });

  // --- first draw: the saved answer, then any draft this browser kept ---
  applyValues(model.get("values"));
  applyPanels();
  offerSubmit();
  offerBoard();
  const told = model.get("status") || {};
  setStatus(told.state || "idle", told.text || "", { error: Boolean(told.error) });
  if (autosave) {
    drafts.read().then((draft) => {
      if (!draft || unsaved()) return;
      if (same(draft.value, form.values)) {
        drafts.clear();
        return;
      }
      applyValues(draft.value);
      seq += 1;
      setStatus("saving", MESSAGES.saving);
      // Saved with the draft's own base: if the answer changed elsewhere since, the
      // kernel says so and both versions are kept.
      base = draft.base || 0;
      send({ type: "save", seq, base, view, value: form.values, restored: true });
      sentAt = Date.now();
      if (!ticker) ticker = setInterval(tick, RESEND_MS);
    });
  }
  window.addEventListener("pagehide", () => unsaved() && sendLatest());
  return () => {
    clearInterval(ticker);
    clearTimeout(quietTimer);
    document.removeEventListener("visibilitychange", checkElsewhere);
  };
}

export default { render };
