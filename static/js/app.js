// A few lines htmx cannot do for us. No inline scripts anywhere (strict CSP).
document.addEventListener("DOMContentLoaded", () => {
  // Select the one-time invitation link when it is focused, ready to copy.
  document.body.addEventListener("focusin", (event) => {
    if (event.target.id === "invite-link-value") event.target.select();
  });
  // Close an open header dropdown with Escape and return focus to it.
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details.dropdown[open]").forEach((details) => {
      details.removeAttribute("open");
      details.querySelector("summary")?.focus();
    });
  });
});
