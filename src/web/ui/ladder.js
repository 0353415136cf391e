// The ladder picture. The server draws it (GET /api/v1/call/ladder?format=svg, the same SVG as
// `siphon flow --format svg`); it is parsed as XML, kept to drawing elements only, and adopted
// into the page. When that fails the ladder JSON is drawn here with the same geometry and the
// same classes (<g class="arrow" data-index="N">), so the rest of the page does not care which.

const SVG_NS = 'http://www.w3.org/2000/svg';
const ALLOWED = new Set(['svg', 'g', 'line', 'polygon', 'polyline', 'path', 'rect', 'circle', 'ellipse',
                         'text', 'tspan', 'title', 'desc', 'style', 'defs', 'marker']);

function sanitize(node) {
  for (const child of [...node.children]) {
    if (child.namespaceURI !== SVG_NS || !ALLOWED.has(child.localName)) {
      child.remove();
      continue;
    }
    for (const attr of [...child.attributes]) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on') || name === 'href' || name.endsWith(':href') || name === 'style') {
        child.removeAttribute(attr.name);
      }
    }
    sanitize(child);
  }
}

/** The server's SVG text as an element of this document, or null when it is not usable. */
export function adoptSvg(text) {
  const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
  const root = doc.documentElement;
  if (!root || root.localName !== 'svg' || root.namespaceURI !== SVG_NS ||
      doc.getElementsByTagName('parsererror').length) {
    return null;
  }
  for (const attr of [...root.attributes]) {
    if (attr.name.toLowerCase().startsWith('on')) root.removeAttribute(attr.name);
  }
  sanitize(root);
  return document.importNode(root, true);
}

function el(name, attrs = {}, text) {
  const e = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

function clock(us) {
  const d = new Date(Math.floor(us / 1000));
  const micros = String(((us % 1e6) + 1e6) % 1e6).padStart(6, '0');
  return `${d.toISOString().slice(11, 19)}.${micros}`;
}

function delta(us) {
  return `+${(us / 1e6).toFixed(6)}`;
}

const LEFT = 190, COLUMN = 190, TOP = 70, ROW = 36;
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf'];

/** Draws the ladder JSON ({columns, arrows}) as SVG, like query::renderLadderSvg. */
export function drawLadder(ladder) {
  const columns = ladder.columns || [];
  const arrows = ladder.arrows || [];
  const x = (c) => LEFT + COLUMN / 2 + c * COLUMN;
  const width = LEFT + Math.max(columns.length, 1) * COLUMN;
  const height = TOP + arrows.length * ROW + 20;
  const svg = el('svg', {class: 'ladder drawn', width, height, viewBox: `0 0 ${width} ${height}`});
  columns.forEach((col, c) => {
    const g = el('g', {class: 'column', 'data-column': c});
    g.append(el('text', {class: 'host', x: x(c), y: TOP - 30, 'text-anchor': 'middle', 'font-weight': 'bold'}, col.label || ''));
    if (col.node) g.append(el('text', {class: 'node', x: x(c), y: TOP - 14, 'text-anchor': 'middle', fill: '#555'}, col.node));
    g.append(el('line', {class: 'life', x1: x(c), y1: TOP - 6, x2: x(c), y2: height - 10, stroke: '#999', 'stroke-dasharray': '4 3'}));
    svg.append(g);
  });
  arrows.forEach((a, k) => {
    const y = TOP + k * ROW + 24;
    const x1 = x(a.from), x2 = x(a.to);
    const color = COLORS[(a.leg || 0) % COLORS.length];
    const g = el('g', {class: `arrow leg${(a.leg || 0) % COLORS.length}${a.retransmission ? ' retrans' : ''}`,
                       id: `arrow-${k}`, 'data-index': k});
    g.append(el('title', {}, `${a.label} | CSeq ${a.cseq || ''}`));
    g.append(el('rect', {class: 'hit', x: Math.min(x1, x2) - 4, y: y - 18, width: Math.abs(x2 - x1) + 8, height: ROW - 8, fill: 'transparent'}));
    g.append(el('text', {class: 'time', x: 4, y: y - 4}, clock(a.micro_ts || 0)));
    g.append(el('text', {class: 'delta', x: 4, y: y + 9}, delta(a.delta_prev_us || 0)));
    const dir = x2 >= x1 ? 1 : -1;
    const dash = a.retransmission ? {'stroke-dasharray': '5 3'} : {};
    if (x1 === x2) {
      g.append(el('polyline', {points: `${x1},${y - 6} ${x1 + 30},${y - 6} ${x1 + 30},${y + 4} ${x1 + 6},${y + 4}`,
                               fill: 'none', stroke: color, ...dash}));
    } else {
      g.append(el('line', {x1, y1: y, x2: x2 - dir * 8, y2: y, stroke: color, 'stroke-width': 1.6, ...dash}));
      g.append(el('polygon', {points: `${x2},${y} ${x2 - dir * 9},${y - 4} ${x2 - dir * 9},${y + 4}`, fill: color}));
    }
    const label = `${a.label || ''}${a.retransmission ? ' [retrans]' : ''}`;
    g.append(el('text', {class: 'label', x: x1 === x2 ? x1 + 70 : (x1 + x2) / 2, y: y - 5, 'text-anchor': 'middle', fill: color}, label));
    svg.append(g);
  });
  return svg;
}
