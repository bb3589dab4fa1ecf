// The Objectives tile's list: one list element for all objectives, actions and groups.
//
// Python computes every row (the `items` trait) and which row is open (the `selected` trait).
// This module only draws them, and reports a click (or Enter/Space on the focused row) as the
// custom message {event: "select", id}. It never writes a trait, so nothing set from Python
// can echo back as a click. A new `selected` moves one class; only new `items` redraw.
//
// Titles, hints and names come from users and imports: every piece of text is set with
// textContent or as an attribute value, never parsed as HTML.

const KINDS = new Set(["objective", "action", "group"]);
const STATUS_TOKEN = /^[a-z][a-z0-9_-]{0,39}$/;
const DONE = new Set(["done", "closed", "achieved", "completed"]);
const CANCELED = new Set(["canceled", "cancelled"]);
const HINT_GLYPH = "\u2691"; // ⚑

function make(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null && text !== "") node.textContent = String(text);
  return node;
}

function asList(value) {
  return Array.isArray(value) ? value : [];
}

// A badge's own class, e.g. "High" -> pk-item-badge-high, for colouring a few known ones.
function badgeToken(text) {
  return String(text).toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 30);
}

// An action's checkbox, drawn as text.
function checkGlyph(status) {
  if (DONE.has(status)) return "\u2611"; // ☑
  if (CANCELED.has(status)) return "\u2612"; // ☒
  return "\u2610"; // ☐
}

function buildRow(item, position) {
  const kind = KINDS.has(item.kind) ? item.kind : "action";
  const status = STATUS_TOKEN.test(String(item.status)) ? item.status : "open";
  const row = make("div", `pk-item pk-item-${kind} pk-item-${status}`);
  if (item.muted) row.classList.add("pk-item-muted");
  row.dataset.id = String(item.id);
  row.dataset.index = String(position);
  row.tabIndex = -1;
  row.setAttribute("role", "option");
  row.setAttribute("aria-selected", "false");

  const line = make("div", "pk-item-line");
  if (kind === "action") {
    const glyph = make("span", "pk-item-check", checkGlyph(status));
    glyph.setAttribute("aria-hidden", "true");
    line.appendChild(glyph);
  }
  const title = make("span", "pk-item-title", item.title);
  if (item.title) title.title = String(item.title);
  line.appendChild(title);
  for (const badge of asList(item.badges)) {
    const chip = make("span", "pk-item-badge", badge);
    const token = badgeToken(badge);
    if (token) chip.classList.add(`pk-item-badge-${token}`);
    line.appendChild(chip);
  }
  if (item.meta) line.appendChild(make("span", "pk-item-meta", item.meta));
  row.appendChild(line);

  for (const hint of asList(item.hints)) {
    const note = make("div", "pk-item-hint");
    const flag = make("span", "pk-item-hint-glyph", HINT_GLYPH);
    flag.setAttribute("aria-hidden", "true");
    note.append(flag, make("span", "pk-item-hint-text", hint));
    row.appendChild(note);
  }
  return row;
}

function render({ model, el }) {
  const scroller = make("div", "pk-items-scroll");
  el.appendChild(scroller);

  let list = null; // the listbox element, or null while empty
  let rows = []; // rows[i] -> the row element for items[i]
  let byId = new Map(); // id -> row element
  let marked = null; // the row carrying pk-item-selected
  let rover = 0; // index of the one row with tabindex 0 (roving tab stop)

  function setRover(i) {
    if (rows[rover]) rows[rover].tabIndex = -1;
    if (rows[i]) {
      rows[i].tabIndex = 0;
      rover = i;
    }
  }

  // Scroll only the list (never the page) so that `row` is in view.
  function reveal(row) {
    const top = row.offsetTop;
    const bottom = top + row.offsetHeight;
    if (top < scroller.scrollTop) scroller.scrollTop = top;
    else if (bottom > scroller.scrollTop + scroller.clientHeight) {
      scroller.scrollTop = bottom - scroller.clientHeight;
    }
  }

  function showSelected(scroll) {
    if (marked) {
      marked.classList.remove("pk-item-selected");
      marked.setAttribute("aria-selected", "false");
      marked = null;
    }
    const row = byId.get(model.get("selected")) || null;
    if (row) {
      row.classList.add("pk-item-selected");
      row.setAttribute("aria-selected", "true");
      marked = row;
      if (scroll === true) reveal(row);
    }
  }

  function draw() {
    const started = performance.now();
    const hadFocus = list !== null && list.contains(document.activeElement);
    const roverId = rows[rover] ? rows[rover].dataset.id : null;
    const items = asList(model.get("items"));
    scroller.textContent = "";
    rows = [];
    byId = new Map();
    marked = null;
    if (items.length === 0) {
      list = null;
      rover = 0;
      scroller.appendChild(make("p", "pk-items-empty", model.get("empty_message")));
      return;
    }
    list = make("div", "pk-items");
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Objectives and actions");
    const fragment = document.createDocumentFragment();
    items.forEach((item, i) => {
      const row = buildRow(item || {}, i);
      rows.push(row);
      byId.set(row.dataset.id, row);
      fragment.appendChild(row);
    });
    list.appendChild(fragment);
    scroller.appendChild(list);
    // Keep the tab stop on the same item when it is still shown, else on the open one.
    const keep = roverId !== null ? byId.get(roverId) : null;
    const open = byId.get(model.get("selected"));
    rover = keep ? Number(keep.dataset.index) : open ? Number(open.dataset.index) : 0;
    rows[rover].tabIndex = 0;
    showSelected(false);
    if (hadFocus) rows[rover].focus({ preventScroll: true });
    list.dataset.renderMs = (performance.now() - started).toFixed(1);
  }

  function drawEmptyMessage() {
    if (list === null) draw();
  }

  function report(row) {
    model.send({ event: "select", id: row.dataset.id });
  }

  function rowOf(event) {
    const row = event.target.closest(".pk-item");
    return row && list && list.contains(row) ? row : null;
  }

  function onClick(event) {
    const row = rowOf(event);
    if (!row) return;
    setRover(Number(row.dataset.index));
    row.focus({ preventScroll: true });
    report(row);
  }

  function onKey(event) {
    const row = rowOf(event);
    if (!row) return;
    const i = Number(row.dataset.index);
    const last = rows.length - 1;
    let next = null;
    switch (event.key) {
      case "Enter":
      case " ":
        event.preventDefault();
        report(row);
        return;
      case "ArrowUp": next = Math.max(0, i - 1); break;
      case "ArrowDown": next = Math.min(last, i + 1); break;
      case "Home": next = 0; break;
      case "End": next = last; break;
      case "PageUp": next = Math.max(0, i - 10); break;
      case "PageDown": next = Math.min(last, i + 10); break;
      default: return;
    }
    event.preventDefault();
    setRover(next);
    rows[next].focus({ preventScroll: true });
    reveal(rows[next]);
  }

  const onSelectedChange = () => showSelected(true);
  scroller.addEventListener("click", onClick);
  scroller.addEventListener("keydown", onKey);
  model.on("change:items", draw);
  model.on("change:selected", onSelectedChange);
  model.on("change:empty_message", drawEmptyMessage);
  draw();
  return () => {
    model.off("change:items", draw);
    model.off("change:selected", onSelectedChange);
    model.off("change:empty_message", drawEmptyMessage);
    scroller.removeEventListener("click", onClick);
    scroller.removeEventListener("keydown", onKey);
  };
}

export default { render };
