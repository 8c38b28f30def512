// The draft saves itself (issue 13): a moment after typing stops, when the page is hidden or left, and before
// "Review and sign…", which goes on only once the save succeeded. The status says "Saved at 10:42" or
// "Not saved: <reason>"; a failed save (no network, session ended) is retried and the text stays on the page and in
// the browser's backup copy (workspace.js). Saving happens in the background: the page never reloads, so the
// reader keeps their place. Enter in a one-line field never submits the whole draft.
(() => {
  const form = document.getElementById("draft-form");
  if (!form) return;
  const status = document.getElementById("save-status");
  const signLink = document.getElementById("review-and-sign");
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const DELAY = 1200;
  const RETRY = 4000;
  let dirty = form.dataset.unsaved === "1";
  let edits = 0; // bumped by every change: a save only clears `dirty` if nothing changed while it was on its way
  let timer = null;
  let inFlight = null;
  let stale = false; // the case was saved elsewhere: only a deliberate "Save draft" (full page) may overwrite
  let sessionEnded = false; // "Save draft" then goes through the login page and back (the text is kept meanwhile)

  class Refused extends Error {}

  const show = (text, ok) => {
    status.textContent = text;
    status.classList.toggle("text-danger", !ok);
    status.classList.toggle("fw-semibold", !ok);
  };
  const schedule = (delay) => {
    clearTimeout(timer);
    timer = setTimeout(() => save(), delay);
  };
  const changed = () => {
    dirty = true;
    edits += 1;
    draftBackup.schedule();
    if (!stale) schedule(DELAY);
  };

  // The citation rows saved for the first time get their ids, so the next save edits them instead of adding them.
  const applyCitationIds = (citations) => {
    Object.entries(citations || {}).forEach(([prefix, ids]) => {
      const inputs = form.querySelectorAll(`input[name="${prefix}-cit-id"]`);
      if (inputs.length !== ids.length) return;
      inputs.forEach((input, index) => {
        input.value = ids[index];
      });
    });
  };

  const send = async (keepalive) => {
    const sentAt = edits;
    const response = await fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json", "X-CSRFToken": csrf },
      credentials: "same-origin",
      redirect: "manual",
      keepalive,
    });
    if (response.type === "opaqueredirect") {
      sessionEnded = true;
      throw new Refused("your session ended. Sign in again in another tab; your text is kept here");
    }
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      if (data.stale) stale = true;
      throw new Refused(data.error || `the server answered ${response.status}`);
    }
    form.querySelector("input[name=revision]").value = data.revision;
    form.dataset.revision = data.revision;
    if (edits === sentAt) {
      applyCitationIds(data.citations);
      dirty = false;
      draftBackup.forget(form.dataset.case);
    } else {
      draftBackup.write();
    }
    show(`Saved at ${data.saved_at}`, true);
  };

  // Saves now if anything is unsaved; resolves to true once everything typed is saved.
  const save = async ({ keepalive = false } = {}) => {
    clearTimeout(timer);
    while (inFlight) await inFlight; // one save at a time: each sends the revision the previous one returned
    if (!dirty) return true;
    if (stale) {
      show("Not saved: this case was changed elsewhere. Press Save draft to see the changes and replace them.", false);
      return false;
    }
    show("Saving…", true);
    inFlight = send(keepalive)
      .then(() => true)
      .catch((error) => {
        const reason = error instanceof Refused ? error.message : "no connection to the server; trying again";
        show(`Not saved: ${reason}.`, false);
        draftBackup.write();
        if (!(error instanceof Refused)) schedule(RETRY);
        return false;
      })
      .finally(() => {
        inFlight = null;
      });
    const ok = await inFlight;
    return ok && !dirty ? true : ok && dirty ? save() : false;
  };

  form.addEventListener("input", (event) => {
    if (!event.target.classList.contains("guideline-search")) changed();
  });
  form.addEventListener("change", (event) => {
    if (!event.target.classList.contains("guideline-search")) changed();
  });
  form.addEventListener("click", (event) => {
    if (event.target.closest("[data-citation-action]")) changed();
  });
  document.body.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail.target.classList && event.detail.target.classList.contains("citations")) changed();
  });
  form.addEventListener("keydown", (event) => {
    const field = event.target;
    if (event.key === "Enter" && field.tagName === "INPUT") event.preventDefault();
  });
  // A full-page save: the conflict page of a stale draft (its next save replaces the other changes), or the login
  // page when the session ended (back to the case afterwards, where the browser's copy is offered back).
  const submitWholePage = () => {
    draftBackup.write();
    dirty = false;
    form.submit();
  };
  form.addEventListener("submit", (event) => {
    if (stale || sessionEnded) return submitWholePage();
    event.preventDefault();
    dirty = true;
    save().then(() => {
      if (stale || sessionEnded) submitWholePage();
    });
  });
  window.addEventListener("online", () => {
    if (dirty) save();
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden" && dirty) save({ keepalive: true });
  });
  window.addEventListener("pagehide", () => {
    if (dirty) {
      draftBackup.write();
      save({ keepalive: true });
    }
  });
  window.addEventListener("beforeunload", (event) => {
    if (dirty) event.preventDefault();
  });
  if (signLink) {
    signLink.addEventListener("click", async (event) => {
      event.preventDefault();
      signLink.classList.add("disabled");
      signLink.setAttribute("aria-disabled", "true");
      const saved = await save();
      signLink.classList.remove("disabled");
      signLink.removeAttribute("aria-disabled");
      if (saved) {
        window.location.assign(signLink.href);
      } else {
        status.textContent += " Review and sign waits until the draft is saved.";
        status.focus();
      }
    });
  }
  draftBackup.start(
    () => dirty,
    () => {
      changed();
    },
  );
  if (dirty && !stale) schedule(DELAY);
})();
