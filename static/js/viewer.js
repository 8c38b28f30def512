// The document viewer beside the draft (issue 13): PDF.js (vendored, pdf.min.js sets globalThis.pdfjsLib) opens a
// case document, fetched through the authorised file view, at the page a search hit names. Its worker is a
// same-origin static file; nothing is evaluated from strings (isEvalSupported: false).
const viewer = document.getElementById("viewer");
const lib = globalThis.pdfjsLib;
if (viewer && lib) {
  lib.GlobalWorkerOptions.workerSrc = viewer.dataset.worker;
  const title = document.getElementById("viewer-title");
  const label = document.getElementById("viewer-page-label");
  const canvas = document.getElementById("viewer-canvas");
  const error = document.getElementById("viewer-error");
  let pdf = null;
  let url = "";
  let name = "";
  let rendering = Promise.resolve();

  const render = async (number) => {
    const page = await pdf.getPage(number);
    const base = page.getViewport({ scale: 1 });
    const scale = (canvas.parentElement.clientWidth / base.width) * (window.devicePixelRatio || 1);
    const viewport = page.getViewport({ scale });
    canvas.width = Math.floor(viewport.width);
    canvas.height = Math.floor(viewport.height);
    await page.render({ canvas, canvasContext: canvas.getContext("2d"), viewport }).promise;
    viewer.dataset.page = String(number);
    label.textContent = `Page ${number} of ${pdf.numPages}`;
    canvas.setAttribute("aria-label", `${name}, page ${number} of ${pdf.numPages}`);
  };
  const open = async (newUrl, number, newName) => {
    viewer.hidden = false;
    error.hidden = true;
    if (newUrl !== url) {
      if (pdf) pdf.destroy();
      pdf = await lib.getDocument({ url: newUrl, withCredentials: true, disableRange: true, disableStream: true, isEvalSupported: false }).promise;
      url = newUrl;
    }
    name = newName;
    title.textContent = newName;
    // The buttons say which document they page through or close (their visible words first: label in name).
    viewer.querySelectorAll("[data-viewer-step], [data-viewer-close]").forEach((button) => {
      button.setAttribute("aria-label", `${button.textContent.trim()}: ${newName}`);
    });
    await render(Math.min(Math.max(1, number || 1), pdf.numPages));
    title.focus({ preventScroll: true }); // sticky: it is in view wherever the reader is in the case file
  };
  const fail = (reason) => {
    error.hidden = false;
    error.textContent = `The document could not be shown: ${reason}`;
  };

  document.addEventListener("click", (event) => {
    const opener = event.target.closest("[data-viewer-open]");
    if (opener) {
      event.preventDefault();
      rendering = rendering.then(() =>
        open(opener.dataset.viewerUrl, Number(opener.dataset.viewerPage), opener.dataset.viewerTitle).catch((e) => fail(e.message)),
      );
      return;
    }
    const step = event.target.closest("[data-viewer-step]");
    if (step && pdf) {
      const next = Number(viewer.dataset.page) + Number(step.dataset.viewerStep);
      if (next >= 1 && next <= pdf.numPages) rendering = rendering.then(() => render(next).catch((e) => fail(e.message)));
    }
    if (event.target.closest("[data-viewer-close]")) viewer.hidden = true;
  });
}
