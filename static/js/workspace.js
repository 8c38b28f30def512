// Reviewer workspace: order and remove citation rows in the draft form (stored with the next save), and tidy the
// guideline picker after a choice. Everything else is htmx.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-citation-action]");
  if (!button) return;
  const row = button.closest("tr");
  const action = button.dataset.citationAction;
  if (action === "remove") row.remove();
  if (action === "up" && row.previousElementSibling) row.parentNode.insertBefore(row, row.previousElementSibling);
  if (action === "down" && row.nextElementSibling) row.parentNode.insertBefore(row.nextElementSibling, row);
});

document.addEventListener("keydown", (event) => {
  // Enter in the picker searches; it must not submit the draft form.
  if (event.key === "Enter" && event.target.classList.contains("guideline-search")) event.preventDefault();
});

document.addEventListener("htmx:afterRequest", (event) => {
  const choice = event.detail.elt.closest && event.detail.elt.closest("[data-picker-choice]");
  if (!choice || !event.detail.successful) return;
  const picker = choice.closest(".guideline-picker");
  if (!picker) return;
  picker.querySelector(".guideline-search").value = "";
  picker.querySelector(".guideline-results").innerHTML = "";
});

// Leaving the page with unsaved typing (a link, a reload) asks first: nothing typed is lost by accident.
const draftForm = document.getElementById("draft-form");
if (draftForm) {
  let dirty = false;
  const markDirty = (event) => {
    if (!event.target.classList.contains("guideline-search")) dirty = true;
  };
  draftForm.addEventListener("input", markDirty);
  draftForm.addEventListener("change", markDirty);
  draftForm.addEventListener("click", (event) => {
    if (event.target.closest("[data-citation-action]")) dirty = true;
  });
  document.body.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail.target.classList && event.detail.target.classList.contains("citations")) dirty = true;
  });
  draftForm.addEventListener("submit", () => {
    dirty = false;
  });
  window.addEventListener("beforeunload", (event) => {
    if (dirty) event.preventDefault();
  });
}
