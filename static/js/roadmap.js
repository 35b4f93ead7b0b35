// The roadmap page: only what htmx cannot do under a strict CSP.
// - the editor dialog: open it when htmx has put a form in it, close it when
//   the server says the change is saved, give the keyboard back to the opener;
// - the milestone form shows only the fields of the chosen kind;
// - the timeline is laid out for the width the browser has (a cookie tells
//   the server; the figure is fetched again when the width differs);
// - a milestone can be dragged along the timeline to a new date, its date
//   shown and its arrows following as it goes (the buttons in its table row
//   do the same from the keyboard).
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
      // After Undo its button is gone: the note that replaced it keeps the keyboard.
      if (!element && focusedId === "roadmap-undo") {
        document.getElementById("roadmap-notice")?.focus({ preventScroll: true });
      }
    }
    focusedId = null;
  });

  // The note beside the timeline (#roadmap-notice, above the body) grows or
  // shrinks with each change: keep what is in sight where it was. The body
  // is swapped whole, so the browser's own scroll anchoring cannot.
  let bodyTop = null;
  document.addEventListener("htmx:beforeSwap", () => {
    const body = document.getElementById("roadmap-body");
    bodyTop = body ? body.getBoundingClientRect().top : null;
  });
  document.addEventListener("htmx:afterSwap", () => {
    const body = document.getElementById("roadmap-body");
    if (body && bodyTop !== null && bodyTop < 0) {
      window.scrollBy(0, body.getBoundingClientRect().top - bodyTop);
    }
    bodyTop = null;
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
  //
  // While a marker is dragged it snaps to whole days, a label above it says
  // the day it would land on (written as the page writes dates), and the
  // arrows of its dependencies follow it. The server answers the drop with
  // the roadmap's body and a note beside the timeline (with Undo).

  const DAY = 24 * 60 * 60 * 1000;
  const SVG_NS = "http://www.w3.org/2000/svg";
  const parseDay = (text) => {
    const [y, m, d] = text.split("-").map(Number);
    return Date.UTC(y, m - 1, d);
  };
  const isoDay = (ms) => new Date(ms).toISOString().slice(0, 10);
  const pageDay = (ms, months) => {
    const day = new Date(ms);
    return `${day.getUTCDate()} ${months[day.getUTCMonth()]} ${day.getUTCFullYear()}`;
  };
  const clamp = (value, low, high) => Math.min(Math.max(value, low), high);
  const numbersOf = (text) => (text.match(/-?\d+(?:\.\d+)?/g) || []).map(Number);

  // An arrow as roadmap/timeline.py's _arrow_path draws it,
  // "M x1 y1 C x1 c1y c2x y2 x2 y2", with its ends moved sideways: the
  // control point before the arrowhead keeps the same reach rule.
  function arrowPath(n, fromDx, toDx) {
    const x1 = n[0] + fromDx;
    const x2 = n[6] + toDx;
    const reach = Math.max(Math.min(Math.abs(x2 - x1) / 2, 60), 16);
    const f = (value) => value.toFixed(1);
    return `M${f(x1)} ${f(n[1])} C${f(x1)} ${f(n[3])} ${f(x2 - reach)} ${f(n[5])} ${f(x2)} ${f(n[7])}`;
  }

  function arrowsOf(svg, id) {
    return Array.from(svg.querySelectorAll(`path[data-from="${id}"], path[data-to="${id}"]`), (path) => ({
      path,
      d: path.getAttribute("d"),
      numbers: numbersOf(path.getAttribute("d")),
      from: path.dataset.from === id,
      to: path.dataset.to === id,
    })).filter((arrow) => arrow.numbers.length === 8);
  }

  function dateLabel(svg) {
    const group = document.createElementNS(SVG_NS, "g");
    group.setAttribute("class", "drag-date");
    group.setAttribute("aria-hidden", "true");
    group.setAttribute("pointer-events", "none");
    const box = document.createElementNS(SVG_NS, "rect");
    box.setAttribute("rx", "4");
    box.setAttribute("height", "22");
    const text = document.createElementNS(SVG_NS, "text");
    text.setAttribute("text-anchor", "middle");
    text.setAttribute("dy", "15");
    group.append(box, text);
    svg.append(group);
    return { group, box, text };
  }

  function placeLabel(label, x, y, words, plotWidth) {
    label.text.textContent = words;
    const width = label.text.getBBox().width + 16;
    const left = clamp(x - width / 2, 2, plotWidth - width - 2);
    const top = Math.max(y - 36, 2);
    label.box.setAttribute("x", left.toFixed(1));
    label.box.setAttribute("y", top.toFixed(1));
    label.box.setAttribute("width", width.toFixed(1));
    label.text.setAttribute("x", (left + width / 2).toFixed(1));
    label.text.setAttribute("y", top.toFixed(1));
  }

  // Escape puts a dragged marker back where it was.
  let cancelDrag = null;
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && cancelDrag) cancelDrag();
  });

  function initDrag(figure) {
    const pattern = figure.dataset.moveUrl;
    const svg = figure.querySelector("svg");
    if (!pattern || !svg) return;
    const start = parseDay(figure.dataset.start);
    const end = parseDay(figure.dataset.end);
    const left = Number(figure.dataset.plotLeft);
    const right = Number(figure.dataset.plotRight);
    const perDay = (right - left) / ((end - start) / DAY + 1);
    const months = (figure.dataset.months || "").split(" ");
    const plotWidth = svg.viewBox.baseVal ? svg.viewBox.baseVal.width : right;
    let drag = null;

    const show = (days) => {
      const dx = days * perDay;
      drag.days = days;
      drag.marker.setAttribute("transform", `translate(${dx.toFixed(1)} 0)`);
      drag.arrows.forEach((arrow) => {
        arrow.path.setAttribute("d", arrowPath(arrow.numbers, arrow.from ? dx : 0, arrow.to ? dx : 0));
      });
      const day = drag.base + days * DAY;
      const words = months.length === 12 ? pageDay(day, months) : isoDay(day);
      placeLabel(drag.label, drag.x + dx, drag.y, words, plotWidth);
    };

    const putBack = (state) => {
      state.marker.removeAttribute("transform");
      state.arrows.forEach((arrow) => arrow.path.setAttribute("d", arrow.d));
      state.label.group.remove();
    };

    svg.addEventListener("pointerdown", (event) => {
      const marker = event.target.closest("g[data-milestone]");
      if (!marker || event.button !== 0 || drag) return;
      event.preventDefault();
      marker.setPointerCapture(event.pointerId);
      marker.classList.add("dragging");
      const [x, y] = numbersOf(marker.querySelector("path").getAttribute("transform") || "");
      drag = {
        marker,
        pointerId: event.pointerId,
        clientX: event.clientX,
        scale: svg.getScreenCTM().a || 1,
        x: x || 0,
        y: y || 0,
        // A milestone dated outside the roadmap is drawn at its edge: it
        // moves from where it is drawn.
        base: clamp(parseDay(marker.dataset.start), start, end),
        moved: 0,
        days: 0,
        arrows: arrowsOf(svg, marker.dataset.milestone),
        label: dateLabel(svg),
      };
      show(0);
    });
    svg.addEventListener("pointermove", (event) => {
      if (!drag || event.pointerId !== drag.pointerId) return;
      const moved = (event.clientX - drag.clientX) / drag.scale;
      drag.moved = Math.max(drag.moved, Math.abs(moved));
      const day = clamp(drag.base + Math.round(moved / perDay) * DAY, start, end);
      show(Math.round((day - drag.base) / DAY));
    });
    const finish = (cancelled) => {
      if (!drag) return;
      const current = drag;
      drag = null;
      current.marker.classList.remove("dragging");
      if (current.marker.hasPointerCapture(current.pointerId)) {
        current.marker.releasePointerCapture(current.pointerId);
      }
      const day = current.base + current.days * DAY;
      if (cancelled || current.moved < 3 || day === parseDay(current.marker.dataset.start)) {
        putBack(current);
        return;
      }
      // The label stays until the new body replaces the timeline.
      const url = pattern.replace(/\/0\/move\/$/, `/${current.marker.dataset.milestone}/move/`);
      htmx.ajax("POST", url, {
        source: figure,
        target: "#roadmap-body",
        swap: "outerHTML",
        values: { start: isoDay(day) },
      });
    };
    svg.addEventListener("pointerup", (event) => {
      if (drag && event.pointerId === drag.pointerId) finish(false);
    });
    svg.addEventListener("pointercancel", () => finish(true));
    cancelDrag = () => finish(true);
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
