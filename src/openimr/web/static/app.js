// openimr: the few lines of script the pages need (no framework, no build step).
document.addEventListener("click", (event) => {
  const target = event.target;
  if (!(target instanceof HTMLElement)) return;
  // "Use draft": copy the assist panel's draft rationale into the item's rationale field.
  const from = target.getAttribute("data-copy-from");
  const to = target.getAttribute("data-copy-to");
  if (from && to) {
    const source = document.getElementById(from);
    const field = document.getElementById(to);
    if (source && field) { field.value = source.textContent.trim(); field.focus(); }
    event.preventDefault();
  }
  // Choose a decision from the proposal.
  const pick = target.getAttribute("data-pick");
  const select = target.getAttribute("data-select");
  if (pick && select) {
    const field = document.getElementById(select);
    if (field) field.value = pick;
    event.preventDefault();
  }
  const confirmText = target.getAttribute("data-confirm");
  if (confirmText && !window.confirm(confirmText)) event.preventDefault();
});

// Filters on the queue submit as soon as they change.
document.querySelectorAll("form[data-autosubmit] select").forEach((el) => {
  el.addEventListener("change", () => el.form && el.form.submit());
});

// The queue refreshes its table every minute (clocks and alerts move on their own).
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
