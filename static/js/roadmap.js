// The roadmap page: only what htmx cannot do under a strict CSP.
// - the editor dialog: open it when htmx has put a form in it, close it when
//   the server says the change is saved, give the keyboard back to the opener;
// - the milestone form shows only the fields of the chosen kind;
// - the timeline is laid out for the width the browser has (a cookie tells
//   the server; the figure is fetched again when the width differs);
// - a milestone can be dragged along the timeline to a new date (the buttons
//   in its table row do the same from the keyboard).
(() => {
  const DIALOG_BODY = "roadmap-dialog-body";
  const WIDTH_COOKIE = "roadmap_timeline_width";
  const WIDTH_STEP = 40;
  const MIN_WIDTH = 640;
  const MAX_WIDTH = 1600;
  let openerId = null;
  let requestedWidth = null;

  const dialog = () => document.getElementById("roadmap-dialog");

  function closeDialog() {
    const element = dialog();
    if (element && element.open) element.close();
  }

  document.addEventListener("htmx:beforeRequest", (event) => {
    const target = event.detail.target;
    const element = dialog();
    if (target && target.id === DIALOG_BODY && element && !element.open) {
      openerId = event.detail.elt.id || null;
    }
  });

  document.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail.target.id !== DIALOG_BODY) return;
    const element = dialog();
    if (!element) return;
    if (!element.open) element.showModal();
    const first =
      element.querySelector("[aria-invalid='true']") ||
      element.querySelector("#" + DIALOG_BODY + " input:not([type=hidden]), #" + DIALOG_BODY + " select, #" + DIALOG_BODY + " textarea");
    if (first) first.focus();
  });

  // Keep the keyboard where it was across a swap of the page body: a row's
  // "+1 wk" button, pressed with Enter, is still focused when the page comes
  // back, so Enter again moves the milestone on. htmx restores focus by id
  // too, but only if the element still had it when the swap began.
  let focusedId = null;
  document.addEventListener("htmx:beforeRequest", (event) => {
    const submitter = event.detail.requestConfig && event.detail.requestConfig.triggeringEvent
      ? event.detail.requestConfig.triggeringEvent.submitter
      : null;
    const active = submitter || document.activeElement;
    focusedId = active && active.id && active !== document.body ? active.id : null;
  });
  document.addEventListener("htmx:afterSettle", () => {
    if (!focusedId) return;
    const active = document.activeElement;
    if (!active || active === document.body) {
      const element = document.getElementById(focusedId);
      if (element && !(dialog() && dialog().open)) element.focus();
    }
    focusedId = null;
  });

  // The server answers a saved change with HX-Trigger: roadmap-saved.
  document.addEventListener("roadmap-saved", closeDialog);

  document.addEventListener("click", (event) => {
    const closer = event.target.closest("[data-close-dialog]");
    if (closer && closer.closest("#roadmap-dialog")) {
      event.preventDefault();
      closeDialog();
    }
  });

  document.addEventListener("close", (event) => {
    if (event.target.id !== "roadmap-dialog") return;
    document.getElementById(DIALOG_BODY).replaceChildren();
    const opener = openerId && document.getElementById(openerId);
    if (opener) opener.focus();
    openerId = null;
  }, true);

  // ---------------------------------------------------------------- kinds

  function syncKind(form) {
    const select = form.querySelector("select[name=kind]");
    if (!select) return;
    const kind = select.value;
    form.querySelectorAll("fieldset.kind-fields").forEach((fieldset) => {
      fieldset.hidden = fieldset.dataset.kind !== kind;
    });
    const hint = form.querySelector("[data-kind-hint]");
    if (hint) hint.hidden = Boolean(kind);
  }

  function initKindForm(form) {
    form.classList.add("kinds-ready");
    syncKind(form);
    form.querySelector("select[name=kind]")?.addEventListener("change", () => syncKind(form));
  }

  // ---------------------------------------------------------------- width

  function wantedWidth(figure) {
    const scroller = figure.querySelector(".timeline-scroll");
    const available = scroller ? scroller.clientWidth : figure.clientWidth;
    const width = Math.floor(available / WIDTH_STEP) * WIDTH_STEP;
    return Math.min(Math.max(width, MIN_WIDTH), MAX_WIDTH);
  }

  function fitTimeline() {
    const figure = document.getElementById("timeline-figure");
    if (!figure) return;
    const wanted = wantedWidth(figure);
    // Asked once per width: without cookies the server cannot follow, and
    // the default layout (scrolling sideways) is then the answer.
    if (wanted === Number(figure.dataset.width) || wanted === requestedWidth) return;
    requestedWidth = wanted;
    document.cookie = `${WIDTH_COOKIE}=${wanted}; path=/; max-age=31536000; SameSite=Lax`;
    htmx.ajax("GET", window.location.pathname, { target: "#timeline-figure", swap: "outerHTML" });
  }

  let resizeTimer = null;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(fitTimeline, 300);
  });

  // ---------------------------------------------------------------- drag

  const DAY = 24 * 60 * 60 * 1000;
  const parseDay = (text) => {
    const [y, m, d] = text.split("-").map(Number);
    return Date.UTC(y, m - 1, d);
  };
  const formatDay = (ms) => new Date(ms).toISOString().slice(0, 10);

  function initDrag(figure) {
    const pattern = figure.dataset.moveUrl;
    const svg = figure.querySelector("svg");
    if (!pattern || !svg) return;
    const start = parseDay(figure.dataset.start);
    const end = parseDay(figure.dataset.end);
    const left = Number(figure.dataset.plotLeft);
    const right = Number(figure.dataset.plotRight);
    const perDay = (right - left) / ((end - start) / DAY + 1);
    let drag = null;

    svg.addEventListener("pointerdown", (event) => {
      const marker = event.target.closest("g[data-milestone]");
      if (!marker || event.button !== 0) return;
      event.preventDefault();
      marker.setPointerCapture(event.pointerId);
      marker.classList.add("dragging");
      drag = { marker, x: event.clientX, scale: svg.getScreenCTM().a || 1, dx: 0 };
    });
    svg.addEventListener("pointermove", (event) => {
      if (!drag) return;
      drag.dx = (event.clientX - drag.x) / drag.scale;
      drag.marker.setAttribute("transform", `translate(${drag.dx} 0)`);
    });
    const finish = (event, cancelled) => {
      if (!drag) return;
      const { marker, dx } = drag;
      drag = null;
      marker.classList.remove("dragging");
      if (marker.hasPointerCapture(event.pointerId)) marker.releasePointerCapture(event.pointerId);
      const days = Math.round(dx / perDay);
      if (cancelled || Math.abs(dx) < 3 || days === 0) {
        marker.removeAttribute("transform");
        return;
      }
      const moved = formatDay(parseDay(marker.dataset.start) + days * DAY);
      const url = pattern.replace(/\/0\/move\/$/, `/${marker.dataset.milestone}/move/`);
      htmx.ajax("POST", url, {
        source: figure,
        target: "#roadmap-body",
        swap: "outerHTML",
        values: { start: moved },
      });
    };
    svg.addEventListener("pointerup", (event) => finish(event, false));
    svg.addEventListener("pointercancel", (event) => finish(event, true));
  }

  htmx.onLoad((root) => {
    const scope = root.querySelectorAll ? root : document;
    if (scope.matches && scope.matches("form[data-kind-form]")) initKindForm(scope);
    scope.querySelectorAll("form[data-kind-form]").forEach(initKindForm);
    const figure = scope.id === "timeline-figure" ? scope : scope.querySelector("#timeline-figure");
    if (figure) {
      initDrag(figure);
      fitTimeline();
    }
  });
})();
