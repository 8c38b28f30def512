// Reviewer workspace: order and remove citation rows in the draft form (stored with the next save), tidy the
// guideline picker after a choice, and the browser's backup copy of the draft. Autosave is autosave.js, the
// picker's keyboard picker.js, the document viewer viewer.js; everything else is htmx.

// A page restored from the back/forward cache (Back after signing) is loaded again: the server's answer (no-store)
// shows the case as it is now, never a stale form with a live sign button.
window.addEventListener("pageshow", (event) => {
  if (event.persisted) window.location.reload();
});
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-citation-action]");
  if (!button) return;
  const row = button.closest("tr");
  const action = button.dataset.citationAction;
  if (action === "remove") row.remove();
  if (action === "up" && row.previousElementSibling) row.parentNode.insertBefore(row, row.previousElementSibling);
  if (action === "down" && row.nextElementSibling) row.parentNode.insertBefore(row.nextElementSibling, row);
});

document.addEventListener("htmx:afterRequest", (event) => {
  const choice = event.detail.elt.closest && event.detail.elt.closest("[data-picker-choice]");
  if (!choice || !event.detail.successful) return;
  const picker = choice.closest(".guideline-picker");
  if (!picker) return;
  picker.querySelector(".guideline-search").value = "";
  picker.querySelector(".guideline-results").innerHTML = "";
});

// A copy of the unsaved draft in this browser's localStorage, per user, case and revision
// ("imr-draft:<user id>:<case>:<revision>"), so that typing survives an expired session, a crash or a closed tab.
// When the page shows the revision a copy was typed on and the copy differs from the form, it is offered back, and
// only ever to the user who typed it: another user's copies (and copies in the old key format, without a user) are
// deleted, never offered. A successful save or a reassignment moves the revision on, which drops the copies of
// earlier revisions; a signed case drops them all, and logging out (logout.js) drops every copy (no PHI left
// behind in the browser).
const draftBackup = (() => {
  const PREFIX = "imr-draft:";
  const store = (() => {
    try {
      const s = window.localStorage;
      s.getItem(PREFIX);
      return s;
    } catch (error) {
      return null; // storage disabled: no backup, the form works as before
    }
  })();
  let timer = null;
  let form = null;
  let unsaved = () => true; // set by start(): a copy is written only while the form holds unsaved text

  const allKeys = () => {
    const keys = [];
    for (let i = 0; store && i < store.length; i += 1) {
      const key = store.key(i);
      if (key && key.startsWith(PREFIX)) keys.push(key);
    }
    return keys;
  };
  // Keys are "imr-draft:<user id>:<case>:<revision>" (before: "imr-draft:<case>:<revision>"); a signed case drops its
  // copies in either format, whoever typed them.
  const caseOf = (key) => key.split(":")[2];
  const keysOf = (caseNumber) =>
    allKeys().filter((key) => caseOf(key) === caseNumber || key.startsWith(`${PREFIX}${caseNumber}:`));
  const remove = (key) => {
    try {
      store.removeItem(key);
    } catch (error) {
      /* nothing to do */
    }
  };
  const forget = (caseNumber) => keysOf(caseNumber).forEach(remove);
  const keyOf = () => `${PREFIX}${form.dataset.user}:${form.dataset.case}:${form.dataset.revision}`;

  // What the reviewer typed: texts and choices by name, and each item's citation rows as HTML (their values baked in).
  const snapshot = () => {
    const fields = {};
    form.querySelectorAll("textarea[name], input[type=radio][name]:checked").forEach((el) => {
      fields[el.name] = el.value;
    });
    const citations = {};
    form.querySelectorAll("tbody.citations").forEach((body) => {
      body.querySelectorAll("input").forEach((input) => input.setAttribute("value", input.value));
      citations[body.id] = body.innerHTML.trim();
    });
    return { fields, citations };
  };
  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

  const write = () => {
    if (!store || !form) return;
    clearTimeout(timer);
    if (!unsaved()) return; // saved meanwhile: nothing to keep
    try {
      store.setItem(keyOf(), JSON.stringify({ savedAt: Date.now(), ...snapshot() }));
    } catch (error) {
      /* quota or privacy mode: the beforeunload warning still protects the text */
    }
  };
  const restore = (backup) => {
    form.querySelectorAll("textarea[name]").forEach((el) => {
      if (el.name in backup.fields) el.value = backup.fields[el.name];
    });
    form.querySelectorAll("input[type=radio][name]").forEach((el) => {
      el.checked = backup.fields[el.name] === el.value;
    });
    Object.entries(backup.citations || {}).forEach(([id, rows]) => {
      const body = document.getElementById(id);
      if (body && form.contains(body)) body.innerHTML = rows;
    });
  };
  const offer = (backup, onRestore) => {
    const alert = document.createElement("div");
    alert.className = "alert alert-warning d-flex flex-wrap align-items-center gap-2";
    alert.id = "draft-backup-offer";
    alert.setAttribute("role", "alert");
    const text = document.createElement("span");
    text.textContent = `Restore the text you typed on ${new Date(backup.savedAt).toLocaleString()}?`;
    const yes = document.createElement("button");
    yes.type = "button";
    yes.className = "btn btn-sm btn-warning";
    yes.textContent = "Restore";
    const no = document.createElement("button");
    no.type = "button";
    no.className = "btn btn-sm btn-outline-secondary";
    no.textContent = "Discard";
    yes.addEventListener("click", () => {
      restore(backup);
      onRestore();
      alert.remove();
    });
    no.addEventListener("click", () => {
      remove(keyOf());
      alert.remove();
    });
    alert.append(text, yes, no);
    form.prepend(alert);
  };

  const start = (isDirty, markDirty) => {
    unsaved = isDirty;
    form = document.getElementById("draft-form");
    if (!store || !form) return;
    if (!form.dataset.user) {
      form = null; // no signed-in user to key the copy by: no backup
      return;
    }
    const current = keyOf();
    const mine = `${PREFIX}${form.dataset.user}:`;
    allKeys().forEach((key) => {
      // Another user's copy (left by a session that expired without a logout) is never offered, only deleted; so
      // is a copy of this case typed on a revision that was saved over (or reassigned) since.
      if (!key.startsWith(mine) || (caseOf(key) === form.dataset.case && key !== current)) remove(key);
    });
    let backup = null;
    try {
      backup = JSON.parse(store.getItem(current));
    } catch (error) {
      remove(current);
    }
    if (backup && backup.fields) {
      const { fields, citations } = snapshot();
      if (!same(fields, backup.fields) || !same(citations, backup.citations)) {
        offer(backup, markDirty);
      } else if (!isDirty()) {
        remove(current); // the page already shows exactly this text, saved
      }
    }
    if (isDirty()) write();
    window.addEventListener("pagehide", () => {
      if (isDirty()) write();
    });
  };
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(write, 400);
  };
  return { start, schedule, write, forget };
})();


// The case is signed: whatever copies this browser kept of its drafts go.
const signedCase = document.querySelector("[data-signed-case]");
if (signedCase) draftBackup.forget(signedCase.dataset.signedCase);
