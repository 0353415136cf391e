// The stats page: GET /api/v1/stats every few seconds, with per-second rates from the last two
// answers. One request at a time (the next is scheduled when the previous one is done).

import {getJson} from './api.js';
import {h, append, clear, showStatus} from './dom.js';

const REFRESH_MS = 3000;
const RATE_KEYS = new Set(['received', 'stored', 'dropped', 'unparsed_sip', 'relayed']);

function number(v) {
  return typeof v === 'number' ? v.toLocaleString('en-US', {maximumFractionDigits: 3}) : String(v);
}

function table(stats, rates) {
  const rows = [];
  for (const [key, value] of Object.entries(stats)) {
    if (value && typeof value === 'object') continue;
    rows.push(h('tr', {dataset: {key}}, h('th', {}, key), h('td', {class: 'num'}, number(value)),
                h('td', {class: 'num rate'}, key in rates ? `${number(rates[key])}/s` : '')));
  }
  const nested = Object.entries(stats).filter(([, v]) => v && typeof v === 'object');
  return [
    h('table', {class: 'stats', id: 'stats-table'},
      h('thead', {}, h('tr', {}, h('th', {}, 'Counter'), h('th', {}, 'Value'), h('th', {}, 'Rate'))),
      h('tbody', {}, rows)),
    nested.map(([name, obj]) => h('section', {},
      h('h2', {}, name.replace(/_/g, ' ')),
      h('table', {class: 'stats'}, h('tbody', {}, Object.entries(obj).map(([k, v]) =>
        h('tr', {class: v ? 'nonzero' : null}, h('th', {}, k), h('td', {class: 'num'}, number(v)))))))),
  ];
}

export function renderStats(root) {
  const body = h('div', {id: 'stats'}, h('p', {class: 'hint'}, 'Loading\u2026'));
  const updated = h('p', {class: 'hint', id: 'stats-updated'});
  clear(root).append(h('h1', {}, 'Live stats'), updated, body);
  let timer = null;
  let stopped = false;
  let previous = null;
  const controller = new AbortController();

  const tick = async () => {
    try {
      const stats = await getJson('/api/v1/stats', {}, {signal: controller.signal});
      const now = performance.now();
      const rates = {};
      if (previous) {
        const seconds = (now - previous.at) / 1000;
        for (const key of RATE_KEYS) {
          if (typeof stats[key] === 'number' && typeof previous.stats[key] === 'number' && seconds > 0) {
            rates[key] = Math.max(0, (stats[key] - previous.stats[key]) / seconds);
          }
        }
      }
      previous = {stats, at: now};
      append(clear(body), table(stats, rates));
      updated.textContent = `Updated ${new Date().toLocaleTimeString()} \u2014 refreshed every ${REFRESH_MS / 1000} s`;
      showStatus('');
    } catch (err) {
      if (err.name === 'AbortError') return;
      showStatus(err.message);
    }
    if (!stopped) timer = setTimeout(tick, REFRESH_MS);
  };
  tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
    controller.abort();
  };
}
