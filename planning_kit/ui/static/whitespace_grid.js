// The Potentials white-space grid: one table for the whole grid (divisions x solutions).
//
// Python computes everything that is shown (the `grid` trait) and which cell is open (the
// `selected` trait). This module only draws them, and reports a click (or Enter/Space on the
// focused cell) as the custom message {event: "select", row, col, row_key, column}.
// It never writes a trait, so nothing set from Python can echo back as a click.
//
// Names come from users and imports: every piece of text is set with textContent or as an
// attribute value, never parsed as HTML.

const STATUSES = new Set(["whitespace", "potential", "current", "won", "blocked"]);
// Heat-map base colours; the shade decides how much of it shows over white.
const BASE = { potential: [21, 101, 192], current: [230, 126, 0], won: [46, 125, 50] };
const DARK_TEXT = "#1b1d21";
const LIGHT_TEXT = "#ffffff";
const LEGEND = [
  ["potential", "Potential"],
  ["current", "Current"],
  ["won", "Won"],
  ["blocked", "Blocked"],
  ["whitespace", "White space"],
];
const colourCache = new Map();

function channel(value) {
  const c = value / 255;
  return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

// Background (base colour over white at alpha 0.15 + 0.85 * shade) and the text colour with
// the better contrast on it.
function heat(status, shade) {
  const step = Math.round(Math.min(1, Math.max(0, Number(shade) || 0)) * 100);
  const key = status + step;
  let found = colourCache.get(key);
  if (found) return found;
  const alpha = 0.15 + 0.85 * (step / 100);
  const rgb = BASE[status].map((v) => Math.round(v * alpha + 255 * (1 - alpha)));
  const lum = 0.2126 * channel(rgb[0]) + 0.7152 * channel(rgb[1]) + 0.0722 * channel(rgb[2]);
  const onWhite = 1.05 / (lum + 0.05);
  const onDark = (lum + 0.05) / 0.05;
  found = { bg: `rgb(${rgb[0]}, ${rgb[1]}, ${rgb[2]})`, fg: onWhite > onDark ? LIGHT_TEXT : DARK_TEXT };
  colourCache.set(key, found);
  return found;
}

function make(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null && text !== "") node.textContent = String(text);
  return node;
}

function asList(value) {
  return Array.isArray(value) ? value : [];
}

function buildTable(grid) {
  const families = asList(grid.families);
  const columns = asList(grid.columns);
  const rows = asList(grid.rows);
  const cells = asList(grid.cells);
  const table = make("table", "pk-grid");
  table.setAttribute("role", "grid");
  table.setAttribute("aria-rowcount", String(rows.length + 2));
  table.setAttribute("aria-colcount", String(columns.length + 1));

  // Fixed column widths (whitespace_grid.css): the browser lays out the table from these alone
  // instead of measuring every cell, which keeps a 20 x 40 grid quick to show.
  const widths = make("colgroup");
  widths.appendChild(make("col", "pk-grid-col-rows"));
  for (let c = 0; c < columns.length; c += 1) widths.appendChild(make("col", "pk-grid-col-cells"));
  table.appendChild(widths);

  const head = make("thead");
  const familyRow = make("tr", "pk-grid-families");
  const corner = make("th", "pk-grid-corner", "Division");
  corner.rowSpan = 2;
  corner.scope = "col";
  familyRow.appendChild(corner);
  for (const family of families) {
    const th = make("th", "pk-family pk-family-start");
    th.colSpan = Math.max(1, Number(family.span) || 1);
    th.scope = "colgroup";
    th.title = String(family.title ?? "");
    th.appendChild(make("div", "pk-family-title", family.title));
    familyRow.appendChild(th);
  }
  const columnRow = make("tr", "pk-grid-solutions");
  const starts = [];
  columns.forEach((column, c) => {
    const start = c === 0 || column.family !== columns[c - 1].family;
    starts.push(start);
    const th = make("th", start ? "pk-col pk-family-start" : "pk-col");
    th.scope = "col";
    th.title = String(column.title ?? "");
    th.dataset.col = String(c);
    th.appendChild(make("div", "pk-col-title", column.title));
    columnRow.appendChild(th);
  });
  head.append(familyRow, columnRow);

  const body = make("tbody");
  const index = [];
  rows.forEach((row, r) => {
    const tr = make("tr");
    const th = make("th", "pk-row-title", row.title);
    th.scope = "row";
    th.title = String(row.title ?? "");
    tr.appendChild(th);
    const line = asList(cells[r]);
    const tds = new Array(columns.length);
    for (let c = 0; c < columns.length; c += 1) {
      const cell = line[c] || {};
      const status = STATUSES.has(cell.status) ? cell.status : "whitespace";
      const td = make(
        "td",
        starts[c] ? `pk-cell pk-cell-${status} pk-family-start` : `pk-cell pk-cell-${status}`,
        cell.label,
      );
      td.dataset.row = String(r);
      td.dataset.col = String(c);
      td.tabIndex = -1;
      td.setAttribute("role", "gridcell");
      if (cell.tip) td.title = String(cell.tip);
      if (BASE[status]) {
        const colour = heat(status, cell.shade);
        td.style.backgroundColor = colour.bg;
        td.style.color = colour.fg;
      }
      tr.appendChild(td);
      tds[c] = td;
    }
    body.appendChild(tr);
    index.push(tds);
  });
  table.append(head, body);
  return { table, index };
}

function buildLegend() {
  const legend = make("div", "pk-grid-legend");
  for (const [status, text] of LEGEND) {
    const item = make("span", "pk-legend-item");
    item.append(make("span", `pk-legend-swatch pk-cell-${status}`), make("span", "", text));
    legend.appendChild(item);
  }
  return legend;
}

function render({ model, el }) {
  const scroller = make("div", "pk-grid-scroll");
  el.appendChild(scroller);
  if (model.get("show_legend")) el.appendChild(buildLegend());

  let index = []; // index[r][c] -> td
  let table = null;
  let marked = null; // the td carrying pk-cell-selected
  let rover = [0, 0]; // the one cell with tabindex 0 (roving tab stop)

  const cellAt = (r, c) => (index[r] && index[r][c]) || null;

  function setRover(r, c) {
    const old = cellAt(rover[0], rover[1]);
    if (old) old.tabIndex = -1;
    const next = cellAt(r, c);
    if (next) {
      next.tabIndex = 0;
      rover = [r, c];
    }
  }

  function showSelected() {
    if (marked) {
      marked.classList.remove("pk-cell-selected");
      marked.removeAttribute("aria-selected");
      marked = null;
    }
    const chosen = model.get("selected");
    if (Array.isArray(chosen) && chosen.length === 2) {
      const td = cellAt(chosen[0], chosen[1]);
      if (td) {
        td.classList.add("pk-cell-selected");
        td.setAttribute("aria-selected", "true");
        marked = td;
      }
    }
  }

  function draw() {
    const started = performance.now();
    const hadFocus = table !== null && table.contains(document.activeElement);
    const grid = model.get("grid") || {};
    scroller.textContent = "";
    if (asList(grid.rows).length === 0 || asList(grid.columns).length === 0) {
      table = null;
      index = [];
      marked = null;
      scroller.appendChild(make("p", "pk-grid-empty", model.get("empty_message")));
      return;
    }
    const built = buildTable(grid);
    table = built.table;
    index = built.index;
    marked = null;
    scroller.appendChild(table);
    const chosen = model.get("selected");
    const [r, c] =
      cellAt(rover[0], rover[1]) ? rover : Array.isArray(chosen) && cellAt(chosen[0], chosen[1]) ? chosen : [0, 0];
    rover = [r, c];
    cellAt(r, c).tabIndex = 0;
    showSelected();
    if (hadFocus) cellAt(r, c).focus({ preventScroll: true });
    table.dataset.renderMs = (performance.now() - started).toFixed(1);
    // Keyboard focus scrolls a cell clear of the sticky header and first column.
    requestAnimationFrame(() => {
      if (!table) return;
      scroller.style.scrollPaddingTop = `${table.tHead.offsetHeight}px`;
      const first = table.tBodies[0].rows[0];
      if (first) scroller.style.scrollPaddingLeft = `${first.cells[0].offsetWidth}px`;
    });
  }

  function report(td) {
    const r = Number(td.dataset.row);
    const c = Number(td.dataset.col);
    const grid = model.get("grid") || {};
    const row = asList(grid.rows)[r] || {};
    const column = asList(grid.columns)[c] || {};
    model.send({ event: "select", row: r, col: c, row_key: row.key, column: column.id });
  }

  function onClick(event) {
    const td = event.target.closest("td.pk-cell");
    if (!td || !scroller.contains(td)) return;
    setRover(Number(td.dataset.row), Number(td.dataset.col));
    td.focus({ preventScroll: true });
    report(td);
  }

  function onKey(event) {
    const td = event.target.closest("td.pk-cell");
    if (!td || !scroller.contains(td)) return;
    const r = Number(td.dataset.row);
    const c = Number(td.dataset.col);
    const lastRow = index.length - 1;
    const lastCol = (index[0] || []).length - 1;
    let next = null;
    switch (event.key) {
      case "Enter":
      case " ":
        event.preventDefault();
        report(td);
        return;
      case "ArrowUp": next = [Math.max(0, r - 1), c]; break;
      case "ArrowDown": next = [Math.min(lastRow, r + 1), c]; break;
      case "ArrowLeft": next = [r, Math.max(0, c - 1)]; break;
      case "ArrowRight": next = [r, Math.min(lastCol, c + 1)]; break;
      case "Home": next = event.ctrlKey ? [0, 0] : [r, 0]; break;
      case "End": next = event.ctrlKey ? [lastRow, lastCol] : [r, lastCol]; break;
      case "PageUp": next = [Math.max(0, r - 10), c]; break;
      case "PageDown": next = [Math.min(lastRow, r + 10), c]; break;
      default: return;
    }
    event.preventDefault();
    setRover(next[0], next[1]);
    cellAt(next[0], next[1]).focus();
  }

  scroller.addEventListener("click", onClick);
  scroller.addEventListener("keydown", onKey);
  model.on("change:grid", draw);
  model.on("change:selected", showSelected);
  draw();
  return () => {
    model.off("change:grid", draw);
    model.off("change:selected", showSelected);
    scroller.removeEventListener("click", onClick);
    scroller.removeEventListener("keydown", onKey);
  };
}

export default { render };
