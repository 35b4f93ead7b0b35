// A few lines htmx cannot do for us. No inline scripts anywhere (strict CSP).

// Tell the server the browser's time zone, so times are shown in it
// (common/viewer_time.py); rewritten only when it changes.
(() => {
  let zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    return;
  }
  // IANA names ("Europe/Berlin", "Etc/GMT+5") are valid cookie values as they are.
  if (!zone || !/^[A-Za-z0-9_+\-\/]{1,64}$/.test(zone)) return;
  const cookie = `tz=${zone}`;
  if (document.cookie.split("; ").includes(cookie)) return;
  const secure = location.protocol === "https:" ? "; secure" : "";
  document.cookie = `${cookie}; path=/; max-age=31536000; samesite=lax${secure}`;
})();
document.addEventListener("DOMContentLoaded", () => {
  // Select the one-time invitation link when it is focused, ready to copy.
  document.body.addEventListener("focusin", (event) => {
    if (event.target.id === "invite-link-value") event.target.select();
  });
  // Say a text field's limit while typing: "87 of 120 characters" under it
  // (templates/forms/field.html writes the limit; without JS it stays said).
  document.body.addEventListener("input", (event) => {
    const field = event.target;
    const note = field.id && document.getElementById(`${field.id}_limit`);
    if (!note || !field.maxLength || field.maxLength < 0) return;
    const used = [...field.value].length;
    note.textContent = note.dataset.template
      .replace("{used}", used.toLocaleString())
      .replace("{limit}", field.maxLength.toLocaleString());
    note.classList.toggle("near-limit", used >= field.maxLength * 0.9);
  });
  // Close an open header dropdown (or the phone's menu) with Escape and
  // return focus to it.
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details.dropdown[open], details.site-menu[open]").forEach((details) => {
      details.removeAttribute("open");
      details.querySelector("summary")?.focus();
    });
  });
});
