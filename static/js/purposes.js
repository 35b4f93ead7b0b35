// purposes pages: only what htmx cannot do under a strict CSP (no hx-on).
document.addEventListener("DOMContentLoaded", () => {
  // A comment form answers 422 with itself, errors marked (HX-Retarget): htmx
  // does not swap 4xx responses unless told to.
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    const form = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (event.detail.xhr.status === 422 && form && form.closest("#comments")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  // Empty the comment box once the comment has been appended, and keep the
  // keyboard where it was.
  document.body.addEventListener("htmx:afterRequest", (event) => {
    const form = event.detail.elt;
    if (!event.detail.successful || !form.matches || !form.matches("form[data-reset-on-success]")) {
      return;
    }
    form.reset();
    form.querySelector("textarea")?.focus();
  });
});
