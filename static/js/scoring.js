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

// The first save of a row counts towards "You have scored n of m" and the
// purpose's n/m, without asking the server again.
document.addEventListener("htmx:afterRequest", (event) => {
  const form = event.detail.elt;
  if (!form || !form.classList || !form.classList.contains("score-form")) return;
  if (!event.detail.successful || form.hasAttribute("data-scored")) return;
  form.setAttribute("data-scored", "");
  for (const id of ["score-done", `purpose-${form.dataset.purpose}-done`]) {
    const counter = document.getElementById(id);
    if (counter) counter.textContent = String(Number(counter.textContent) + 1);
  }
});

// Keyboard: arrow keys choose a score (the browser does that, and the change
// saves it); Enter saves the focused level if it is not chosen yet, then
// moves on to the next row, so a whole purpose can be scored without a mouse.
document.addEventListener("keydown", (event) => {
  const radio = event.target;
  if (event.key !== "Enter" || !(radio instanceof HTMLInputElement) || radio.type !== "radio") return;
  const form = radio.closest(".score-form");
  if (!form) return;
  event.preventDefault();
  if (!radio.checked) {
    radio.checked = true;
    radio.dispatchEvent(new Event("change", { bubbles: true }));
  }
  const forms = Array.from(document.querySelectorAll(".score-form"));
  const next = forms[forms.indexOf(form) + 1];
  if (!next) return;
  const target = next.querySelector("input[type=radio]:checked") || next.querySelector("input[type=radio]");
  if (target) {
    target.focus();
    target.closest(".score-form").scrollIntoView({ block: "nearest" });
  }
});
