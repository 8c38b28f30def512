// Logging out deletes every draft backup this browser keeps (workspace.js, "imr-draft:*"): nothing typed is left for
// the next person on this browser. Again when the page goes, after the workspace's own last-moment copy of a form
// with unsaved typing. The logout response also sends Clear-Site-Data: "storage" (imrsite/views.py).
(() => {
  const clear = () => {
    try {
      Object.keys(window.localStorage)
        .filter((key) => key.startsWith("imr-draft:"))
        .forEach((key) => window.localStorage.removeItem(key));
    } catch (error) {
      /* storage disabled: nothing was kept */
    }
  };
  document.addEventListener("submit", (event) => {
    if (!event.target.matches("form[data-logout]")) return;
    clear();
    window.addEventListener("pagehide", clear);
  });
})();
