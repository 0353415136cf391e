// The search page: a form whose state lives in the URL hash (#/search?from_user=...&offset=50),
// so that back/forward and bookmarks work, and a results table paginated with the API's
// offset/limit/more.

import {getJson, linkUrl} from './api.js';
import {h, clear, showStatus, shortDate, endpoint} from './dom.js';

const TEXT_FIELDS = [
  ['call_id', 'Call-ID', 'a84b4c76e66710@pc33'],
  ['correlation', 'Correlation', 'X-CID / HEP correlation id'],
  ['from_user', 'From user', 'alice'],
  ['to_user', 'To user', 'bob'],
  ['ruri_user', 'R-URI user', '+15551234'],
  ['method', 'Method', 'INVITE'],
  ['status', 'Status', '486'],
  ['ip', 'IP', '10.0.0.1'],
  ['node', 'Node', 'capture node name'],
];
const CUSTOM_FIELDS = ['custom_field1', 'custom_field2', 'custom_field3'];
const PRESETS = [['15 min', '-15m'], ['1 h', '-1h'], ['24 h', '-24h'], ['7 d', '-7d']];
const LIMITS = [25, 50, 100, 200];
const DEFAULT_LIMIT = 50;

/** The search parameters the API takes, read from the hash's query. */
function searchParams(query) {
  const p = {};
  for (const [key] of [...TEXT_FIELDS, ['since'], ['until']]) p[key] = query.get(key) || '';
  for (const key of CUSTOM_FIELDS) p[key] = query.get(key) || '';
  p.header = query.getAll('header').filter(Boolean);
  p.limit = Number(query.get('limit')) || DEFAULT_LIMIT;
  p.offset = Math.max(0, Number(query.get('offset')) || 0);
  return p;
}

function toHash(params) {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (v !== '' && v !== null && v !== undefined) q.append(key, String(v));
    }
  }
  return `#/search?${q.toString()}`;
}

function field(name, label, value, placeholder) {
  return h('label', {class: 'field'}, h('span', {}, label),
           h('input', {type: 'text', name, value, placeholder, autocomplete: 'off', spellcheck: 'false'}));
}

function buildForm(params) {
  const since = field('since', 'Since', params.since, '-1h or 2024-05-01T10:00:00Z');
  const until = field('until', 'Until', params.until, 'now');
  const presets = h('div', {class: 'presets'}, 'Last:',
    PRESETS.map(([label, value]) => h('button', {
      type: 'button', class: params.since === value && !params.until ? 'preset active' : 'preset',
      dataset: {since: value},
      onclick: (e) => {
        form.elements.since.value = value;
        form.elements.until.value = '';
        form.requestSubmit();
        e.preventDefault();
      },
    }, label)));
  const headers = h('label', {class: 'field wide'}, h('span', {}, 'Headers (NAME:VALUE, one per line)'),
    h('textarea', {name: 'header', rows: 2, placeholder: 'User-Agent:friendly-scanner', spellcheck: 'false'}));
  headers.querySelector('textarea').value = params.header.join('\n');
  const custom = h('details', {class: 'more', open: CUSTOM_FIELDS.some((k) => params[k])},
    h('summary', {}, 'Custom fields'),
    h('div', {class: 'grid'}, CUSTOM_FIELDS.map((k, i) => field(k, `Custom field ${i + 1}`, params[k], ''))));
  const limit = h('label', {class: 'field narrow'}, h('span', {}, 'Rows'),
    h('select', {name: 'limit'}, LIMITS.map((n) => h('option', {value: n, selected: n === params.limit}, String(n)))));

  const form = h('form', {id: 'search-form', class: 'search-form', autocomplete: 'off'},
    h('div', {class: 'time-row'}, since, until, presets),
    h('div', {class: 'grid'}, TEXT_FIELDS.map(([k, label, ph]) => field(k, label, params[k], ph)), limit),
    headers, custom,
    h('div', {class: 'buttons'},
      h('button', {type: 'submit', id: 'search-button', class: 'primary'}, 'Search'),
      h('button', {type: 'reset', onclick: (e) => { e.preventDefault(); location.hash = '#/search'; }}, 'Clear')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const next = {};
    for (const [key] of [['since'], ['until'], ...TEXT_FIELDS]) next[key] = form.elements[key].value.trim();
    for (const key of CUSTOM_FIELDS) next[key] = form.elements[key].value.trim();
    next.header = form.elements.header.value.split('\n').map((s) => s.trim()).filter(Boolean);
    next.limit = form.elements.limit.value;
    next.offset = 0;
    const bad = next.header.find((x) => !/^[^:\s]+\s*:/.test(x));
    if (bad) {
      showStatus(`Header filter "${bad}" is not NAME:VALUE`);
      return;
    }
    const target = toHash(next);
    // Same search again (e.g. "Search" to refresh): the hash does not change, so run it here.
    if (location.hash === target) {
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    } else {
      location.hash = target;
    }
  });
  return form;
}

function callLink(record) {
  const q = new URLSearchParams({call_id: record.callid || ''});
  return `#/call?${q.toString()}`;
}

function methodCell(r) {
  const reply = /^\d{3}$/.test(r.method || '');
  const text = reply ? `${r.method} ${r.reply_reason || ''}`.trim() : (r.method || r.cseq || '?');
  let cls = 'm-request';
  if (reply) cls = `m-reply m-${r.method[0]}xx`;
  if (r.parse_error) cls += ' m-unparsed';
  return h('td', {class: `method ${cls}`, title: r.cseq ? `CSeq ${r.cseq}` : null}, text);
}

function resultRow(r) {
    const href = callLink(r);
    const row = h('tr', {class: 'result', tabindex: 0, dataset: {callId: r.callid || '', id: r.id || ''}},
      h('td', {class: 'when'}, shortDate(r.date)),
      methodCell(r),
      h('td', {}, r.from_user || ''),
      h('td', {}, r.to_user || r.ruri_user || ''),
      h('td', {class: 'callid'}, h('a', {href}, r.callid || '(none)')),
      h('td', {class: 'hops'}, `${endpoint(r.source_ip, r.source_port)} \u2192 ${endpoint(r.destination_ip, r.destination_port)}`),
      h('td', {}, r.node || ''));
    const open = () => { location.hash = href; };
    row.addEventListener('click', (e) => { if (!e.target.closest('a')) open(); });
    row.addEventListener('keydown', (e) => { if (e.key === 'Enter') open(); });
    return row;
}

const HEAD = ['Time (UTC)', 'Method / status', 'From', 'To', 'Call-ID', 'Source \u2192 destination', 'Node'];

function resultsTable(records, id = 'results') {
  const body = h('tbody', {}, records.map(resultRow));
  return h('table', {id, class: 'results'},
    h('thead', {}, h('tr', {}, HEAD.map((t) => h('th', {}, t)))),
    body);
}

const MAX_LIVE_ROWS = 500;

// Follow: the live tail of the filters (GET /api/v1/tail, Server-Sent Events), newest on top.
function followBox(params) {
  const filters = {...params};
  for (const key of ['since', 'until', 'limit', 'offset']) delete filters[key];
  const status = h('span', {class: 'hint', id: 'follow-status'}, '');
  const table = resultsTable([], 'live-results');
  table.hidden = true;
  let source = null;
  let seen = 0;
  const stop = () => {
    if (source) source.close();
    source = null;
    button.textContent = 'Follow live';
    button.classList.remove('primary');
  };
  const start = () => {
    source = new EventSource(linkUrl('/api/v1/tail', filters));
    button.textContent = 'Stop following';
    button.classList.add('primary');
    table.hidden = false;
    status.textContent = 'Waiting for new messages\u2026';
    source.addEventListener('record', (e) => {
      let r;
      try { r = JSON.parse(e.data); } catch { return; }
      const body = table.tBodies[0];
      body.insertBefore(resultRow(r), body.firstChild);
      while (body.rows.length > MAX_LIVE_ROWS) body.deleteRow(body.rows.length - 1);
      seen += 1;
      status.textContent = `${seen} new message(s)`;
      status.dataset.seen = String(seen);
    });
    source.addEventListener('dropped', (e) => {
      status.textContent = `${seen} new message(s); some were skipped: ${e.data}`;
    });
    source.addEventListener('end', () => {
      status.textContent = `${seen} new message(s); the collector stopped, retrying\u2026`;
    });
    source.onerror = () => { status.textContent = `${seen} new message(s); connection lost, retrying\u2026`; };
  };
  const button = h('button', {type: 'button', id: 'follow-button', onclick: () => (source ? stop() : start())}, 'Follow live');
  const box = h('section', {class: 'follow-box'}, h('div', {class: 'pager'}, button, status), table);
  return {box, stop};
}

function pager(params, count, more, top) {
  const go = (offset) => { location.hash = toHash({...params, offset}); };
  const first = count ? params.offset + 1 : 0;
  return h('div', {class: 'pager'},
    h('button', {type: 'button', id: top ? 'prev-page' : null, disabled: params.offset === 0,
                 onclick: () => go(Math.max(0, params.offset - params.limit))}, '\u2190 Newer'),
    h('span', {class: 'range'}, count ? `${first}\u2013${params.offset + count}` : 'no rows'),
    h('button', {type: 'button', id: top ? 'next-page' : null, disabled: !more,
                 onclick: () => go(params.offset + params.limit)}, 'Older \u2192'));
}

// Messages over time for the filters, above the results; a click on a bar searches its span.
function histogramBox(params, signal) {
  const canvas = h('canvas', {id: 'histogram-chart'});
  const note = h('span', {class: 'hint', id: 'histogram-note'}, '');
  const box = h('section', {class: 'histogram-box', id: 'histogram'}, h('div', {class: 'chart-box histogram'}, canvas), note);
  if (!window.Chart) return box;
  const filters = {...params};
  delete filters.limit;
  delete filters.offset;
  getJson('/api/v1/search/histogram', filters, {signal}).then((hist) => {
    const span = hist.until - hist.since;
    const label = (t) => new Date(t * 1000).toISOString().slice(span > 2 * 86400 ? 5 : 11, 16).replace('T', ' ');
    const total = hist.counts.reduce((a, b) => a + b, 0);
    note.textContent = `${total} message(s), ${hist.interval_s} s per bar` + (hist.exact ? '' : ' (the newest 20,000 only)') +
      ' \u2014 click a bar to search its span';
    box.dataset.total = String(total);
    new window.Chart(canvas, {
      type: 'bar',
      data: {labels: hist.buckets.map(label), datasets: [{label: 'messages', data: hist.counts, backgroundColor: '#1f77b4'}]},
      options: {
        animation: false, maintainAspectRatio: false, plugins: {legend: {display: false}},
        scales: {x: {ticks: {maxTicksLimit: 12}}, y: {beginAtZero: true}},
        onClick: (e, elements) => {
          if (!elements.length) return;
          const t = hist.buckets[elements[0].index];
          const iso = (x) => new Date(x * 1000).toISOString();
          location.hash = toHash({...params, since: iso(t), until: iso(t + hist.interval_s), offset: 0});
        },
      },
    });
    box.dataset.drawn = '1';
  }).catch(() => { note.textContent = ''; });
  return box;
}

export function renderSearch(root, query) {
  const params = searchParams(query);
  const results = h('section', {id: 'search-results', 'aria-live': 'polite'});
  const follow = followBox(params);
  clear(root).append(h('h1', {}, 'Search'), buildForm(params), follow.box, results);
  if ([...query.keys()].length === 0) {
    results.append(h('p', {class: 'hint'}, 'Pick a time range or a filter and press Search. Newest messages come first.'));
    return follow.stop;
  }
  const controller = new AbortController();
  results.before(histogramBox(params, controller.signal));
  results.append(h('p', {class: 'hint'}, 'Searching\u2026'));
  const apiParams = {...params};
  getJson('/api/v1/search', apiParams, {signal: controller.signal}).then((answer) => {
    const records = Array.isArray(answer.records) ? answer.records : [];
    showStatus('');
    clear(results);
    if (!records.length && params.offset === 0) {
      results.append(h('p', {class: 'hint', id: 'no-results'}, 'Nothing found.'));
      return;
    }
    results.append(pager(params, records.length, Boolean(answer.more), true), resultsTable(records),
                   pager(params, records.length, Boolean(answer.more), false));
  }).catch((err) => {
    if (err.name === 'AbortError') return;
    clear(results);
    showStatus(err.message);
  });
  return () => {
    controller.abort();
    follow.stop();
  };
}
