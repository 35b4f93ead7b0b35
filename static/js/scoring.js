// scoring pages: only what htmx cannot do.
// htmx does not swap error responses by default. A refused score comes back
// as 422 with a short message for the row; show it instead of leaving
// "Saved" from an earlier choice on screen.
document.addEventListener("htmx:beforeSwap", (event) => {
  const form = event.detail.elt;
  if (event.detail.xhr.status === 422 && form && form.classList.contains("score-form")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
