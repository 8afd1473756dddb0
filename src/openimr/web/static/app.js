// openimr: the few lines of script the pages need (no framework, no build step).
"use strict";

const DRAFT_START = "[DRAFT]";
const DRAFT_END = "[/DRAFT]";

function csrfToken() {
  const field = document.querySelector("input[name=csrf_token]");
  return field ? field.value : "";
}

// -- machine drafts stay visibly marked while they are in a field -------------------------
function flagDrafts(field) {
  const marked = /\[\/?DRAFT\]/i.test(field.value);
  field.classList.toggle("has-draft", marked);
  const flag = document.querySelector(`[data-flag-for="${field.id}"]`);
  if (flag) flag.hidden = !marked;
}
document.querySelectorAll("[data-draft-check]").forEach((field) => {
  flagDrafts(field);
  field.addEventListener("input", () => flagDrafts(field));
});

document.addEventListener("click", (event) => {
  const target = event.target instanceof Element ? event.target.closest("button, a") : null;
  if (!target) return;
  // Ask first: the action cannot be taken back.
  const confirmText = target.getAttribute("data-confirm");
  if (confirmText && !window.confirm(confirmText)) { event.preventDefault(); return; }
  // "Use draft": the draft goes into the field wrapped in its markers.
  const from = target.getAttribute("data-copy-from");
  const to = target.getAttribute("data-copy-to");
  if (from && to) {
    const source = document.getElementById(from);
    const field = document.getElementById(to);
    if (source && field) {
      field.value = `${DRAFT_START} ${source.textContent.trim()} ${DRAFT_END}`;
      field.dispatchEvent(new Event("input", { bubbles: true }));
      field.focus();
    }
    event.preventDefault();
  }
  // Choose a decision from the proposal.
  const pick = target.getAttribute("data-pick");
  const select = target.getAttribute("data-select");
  if (pick && select) {
    const field = document.getElementById(select);
    if (field) { field.value = pick; field.dispatchEvent(new Event("input", { bubbles: true })); }
    event.preventDefault();
  }
  // "Back" on an error page goes back where the user came from.
  if (target.hasAttribute("data-back") && window.history.length > 1) {
    event.preventDefault();
    window.history.back();
  }
});

// -- a session that expires keeps the page: ask for the password in place ------------------
let renewing = null;
function renewSession() {
  if (renewing) return renewing;
  const dialog = document.getElementById("renew-dialog");
  const username = document.body.dataset.username;
  if (!dialog || !username) return Promise.reject(new Error("no dialog"));
  renewing = new Promise((resolve) => {
    const form = document.getElementById("renew-form");
    const password = document.getElementById("renew-password");
    const error = document.getElementById("renew-error");
    const submit = async (event) => {
      event.preventDefault();
      const response = await fetch("/session/renew", {
        method: "POST",
        headers: { "content-type": "application/json", "x-requested-with": "openimr" },
        body: JSON.stringify({ username, password: password.value }),
      });
      const body = await response.json().catch(() => ({}));
      if (!response.ok) {
        error.textContent = body.message || "That password was not accepted.";
        error.hidden = false;
        password.select();
        return;
      }
      // The new session has a new CSRF token: every form on the page gets it.
      document.querySelectorAll("input[name=csrf_token]").forEach((f) => { f.value = body.csrf_token; });
      form.removeEventListener("submit", submit);
      password.value = "";
      error.hidden = true;
      dialog.close();
      renewing = null;
      resolve();
    };
    form.addEventListener("submit", submit);
    dialog.showModal();
    password.focus();
  });
  return renewing;
}

// -- the workbench saves what is typed on the server, and restores it after a new login ----
const reviewForm = document.querySelector("form[data-autosave]");
if (reviewForm) {
  const status = document.getElementById("draft-status");
  let version = reviewForm.dataset.draftVersion ? Number(reviewForm.dataset.draftVersion) : null;
  let timer = null;
  let dirty = false;
  const values = () => {
    const out = {};
    new FormData(reviewForm).forEach((value, name) => {
      if (typeof value === "string" && name !== "csrf_token" && name !== "version" && name !== "attest") out[name] = value;
    });
    return out;
  };
  const say = (text) => { if (status) status.textContent = text; };
  async function save() {
    timer = null;
    if (!dirty) return true;
    dirty = false;
    say("Saving…");
    const response = await fetch(reviewForm.dataset.autosave, {
      method: "POST",
      headers: { "content-type": "application/json", "x-csrf-token": csrfToken() },
      body: JSON.stringify({ values: values(), version }),
    });
    if (response.status === 401) {
      dirty = true;
      say("Session expired: log in again to save.");
      await renewSession();
      return save();
    }
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      dirty = true;
      say(body.message || "Not saved.");
      return false;
    }
    version = body.version;
    say(`Draft saved ${new Date().toLocaleTimeString()}`);
    return true;
  }
  const later = () => { dirty = true; if (timer) clearTimeout(timer); timer = setTimeout(save, 1500); };
  reviewForm.addEventListener("input", later);
  reviewForm.addEventListener("change", later);
  // Signing: save first; if the session has expired, renew it in place, then sign.
  reviewForm.addEventListener("submit", async (event) => {
    if (reviewForm.dataset.checked === "yes") return;
    event.preventDefault();
    if (timer) clearTimeout(timer);
    dirty = true;
    await save();
    reviewForm.dataset.checked = "yes";
    reviewForm.submit();
  });
}

// -- the queue refreshes its table every minute (clocks and alerts move on their own) ------
const queueTable = document.getElementById("queue-table");
if (queueTable) {
  setInterval(async () => {
    const response = await fetch(window.location.href, { headers: { "HX-Request": "true" } });
    if (!response.ok) return;
    const holder = document.createElement("div");
    holder.innerHTML = await response.text();
    const fresh = holder.querySelector("#queue-table");
    const current = document.getElementById("queue-table");
    if (fresh && current) current.replaceWith(fresh);
  }, 60000);
}

// -- OCR progress: the case page reloads its file list while text recognition runs --------
if (document.querySelector("[data-ocr]")) {
  setTimeout(() => {
    const typing = document.activeElement && document.activeElement.matches("input, textarea, select");
    if (!typing) window.location.reload();
  }, 5000);
}
