// The dashboard (#/dashboard?range=24h): traffic by method and by response class, ASR, top
// talkers and top failure codes over a time range, and the collector's drops by reason, from the statistics the store keeps at
// ingest (GET /api/v1/stats/series and /top). Presets pick the range; dragging across a
// time chart zooms into the dragged span. Charts: Chart.js (window.Chart), embedded.

import {getJson} from './api.js';
import {h, clear, showStatus} from './dom.js';

const PRESETS = [['1h', '-1h'], ['6h', '-6h'], ['24h', '-24h'], ['7d', '-7d']];
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2',
                '#7f7f7f', '#bcbd22'];
const CLASS_COLORS = {'1xx': '#7f7f7f', '2xx': '#2ca02c', '3xx': '#17becf', '4xx': '#ff7f0e', '5xx': '#d62728',
                      '6xx': '#9467bd'};
const MAX_SERIES = 8;

function timeLabel(seconds, span) {
  const d = new Date(seconds * 1000).toISOString();
  return span > 2 * 86400 ? d.slice(5, 16).replace('T', ' ') : d.slice(11, 16);
}

// The range the page shows: a preset, or since/until (seconds) after a drag.
function rangeOf(query) {
  const since = Number(query.get('since_s'));
  const until = Number(query.get('until_s'));
  if (since > 0 && until > since) {
    return {label: 'zoomed', params: {since: new Date(since * 1000).toISOString(), until: new Date(until * 1000).toISOString()}};
  }
  const preset = PRESETS.find(([name]) => name === query.get('range')) || PRESETS[2];
  return {label: preset[0], params: {since: preset[1]}};
}

function lineChart(canvas, data, {stacked = false, percent = false, onZoom = null} = {}) {
  const span = data.buckets.length > 1 ? data.buckets[data.buckets.length - 1] - data.buckets[0] : 0;
  const datasets = data.series.slice(0, MAX_SERIES).map((s, i) => ({
    label: s.key === '' ? '(none)' : s.key,
    data: s.values || s.counts,
    borderColor: CLASS_COLORS[s.key] || COLORS[i % COLORS.length],
    backgroundColor: (CLASS_COLORS[s.key] || COLORS[i % COLORS.length]) + (stacked ? '99' : ''),
    fill: stacked,
    pointRadius: percent ? 2 : 0,
    spanGaps: true,
    tension: 0,
  }));
  const chart = new window.Chart(canvas, {
    type: 'line',
    data: {labels: data.buckets.map((t) => timeLabel(t, span)), datasets},
    options: {
      animation: false,
      maintainAspectRatio: false,
      interaction: {mode: 'index', intersect: false},
      scales: {y: {stacked, beginAtZero: true, max: percent ? 100 : undefined}},
      plugins: {legend: {position: 'bottom'}},
    },
  });
  if (onZoom) dragToZoom(canvas, chart, data.buckets, data.interval_s, onZoom);
  return chart;
}

// A drag across the chart's x axis: the buckets under it become the new range.
function dragToZoom(canvas, chart, buckets, interval, onZoom) {
  let start = null;
  const bucketAt = (e) => {
    const x = e.offsetX;
    const idx = chart.scales.x.getValueForPixel(x);
    return Math.max(0, Math.min(buckets.length - 1, Math.round(idx)));
  };
  canvas.addEventListener('mousedown', (e) => { start = bucketAt(e); });
  canvas.addEventListener('mouseup', (e) => {
    if (start === null) return;
    const end = bucketAt(e);
    const [a, b] = start < end ? [start, end] : [end, start];
    start = null;
    if (b > a) onZoom(buckets[a], buckets[b] + interval);
  });
}

function barChart(canvas, top, label) {
  return new window.Chart(canvas, {
    type: 'bar',
    data: {labels: top.map((t) => t.key === '' ? '(none)' : t.key), datasets: [{label, data: top.map((t) => t.count), backgroundColor: '#1f77b4'}]},
    options: {animation: false, maintainAspectRatio: false, indexAxis: 'y', plugins: {legend: {display: false}}},
  });
}

function card(id, title) {
  const canvas = h('canvas', {id: `chart-${id}`});
  const box = h('section', {class: 'dash-card', id: `card-${id}`}, h('h2', {}, title), h('div', {class: 'chart-box'}, canvas));
  return {box, canvas};
}

export function renderDashboard(root, query) {
  const range = rangeOf(query);
  clear(root);
  delete root.dataset.drawn;  // set again once this range's charts are drawn
  const controller = new AbortController();
  const signal = controller.signal;
  const charts = [];
  const presets = h('div', {class: 'presets'}, PRESETS.map(([name]) => h('a', {
    class: `button${range.label === name ? ' primary' : ''}`, href: `#/dashboard?range=${name}`, dataset: {range: name}}, name)));
  const summary = h('p', {class: 'summary', id: 'dash-summary'}, 'Loading\u2026');
  const cards = {
    method: card('method', 'Requests by method'),
    klass: card('class', 'Replies by class'),
    asr: card('asr', 'Answer-seizure ratio (%)'),
    kind: card('kind', 'Records by kind'),
    talkers: card('talkers', 'Top source addresses'),
    codes: card('codes', 'Top failure codes (4xx-6xx)'),
    users: card('users', 'Top users (From)'),
    agents: card('agents', 'Top User-Agents'),
    drops: card('drops', 'Drops by reason (since the collector started)'),
  };
  root.append(h('div', {class: 'call-head'}, h('h1', {}, 'Dashboard'), presets), summary,
              h('div', {class: 'dash-grid'}, Object.values(cards).map((c) => c.box)),
              h('p', {class: 'hint'}, 'Drag across a time chart to zoom into that span.'));
  if (!window.Chart) {
    summary.textContent = 'Charts are not available (Chart.js did not load).';
    return () => controller.abort();
  }
  const zoom = (since, until) => { location.hash = `#/dashboard?since_s=${since}&until_s=${until}`; };
  const load = async () => {
    const p = range.params;
    const noDrops = (err) => {
      if (err.name === 'AbortError') throw err;
      return {buckets: [], interval_s: 60, series: []};
    };
    const [method, klass, asr, kind, talkers, codes, users, agents, drops] = await Promise.all([
      getJson('/api/v1/stats/series', {...p, by: 'method'}, {signal}),
      getJson('/api/v1/stats/series', {...p, by: 'class'}, {signal}),
      getJson('/api/v1/stats/series', {...p, by: 'asr'}, {signal}),
      getJson('/api/v1/stats/series', {...p, by: 'kind'}, {signal}),
      getJson('/api/v1/stats/top', {...p, by: 'src_ip', limit: 10}, {signal}),
      getJson('/api/v1/stats/top', {...p, by: 'code', limit: 30}, {signal}),
      getJson('/api/v1/stats/top', {...p, by: 'user', limit: 10}, {signal}),
      getJson('/api/v1/stats/top', {...p, by: 'user_agent', limit: 10}, {signal}),
      getJson('/api/v1/stats/series', {...p, by: 'drops'}, {signal}).catch(noDrops),
    ]);
    const total = (d) => d.series.reduce((n, s) => n + (s.total || 0), 0);
    const calls = (asr.series.find((s) => s.key === 'calls') || {}).total || 0;
    const answered = (asr.series.find((s) => s.key === 'answered') || {}).total || 0;
    clear(summary).append(`${total(kind)} record(s), ${total(method)} request(s), ${total(klass)} repl(ies), ` +
      `${calls} call attempt(s), ASR ${calls ? (100 * answered / calls).toFixed(1) : '\u2014'} % ` +
      `(${new Date(method.since * 1000).toISOString().slice(0, 16).replace('T', ' ')} \u2013 ` +
      `${new Date(method.until * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC, ${method.interval_s} s per point)`);
    summary.dataset.requests = String(total(method));
    summary.dataset.calls = String(calls);
    charts.push(lineChart(cards.method.canvas, method, {stacked: true, onZoom: zoom}));
    charts.push(lineChart(cards.klass.canvas, klass, {stacked: true, onZoom: zoom}));
    charts.push(lineChart(cards.asr.canvas, {...asr, series: asr.series.filter((s) => s.key === 'asr')}, {percent: true, onZoom: zoom}));
    charts.push(lineChart(cards.kind.canvas, kind, {stacked: true, onZoom: zoom}));
    charts.push(barChart(cards.talkers.canvas, talkers.top, 'messages'));
    charts.push(barChart(cards.codes.canvas, codes.top.filter((t) => /^[456]/.test(t.key)).slice(0, 10), 'replies'));
    charts.push(barChart(cards.users.canvas, users.top, 'messages'));
    charts.push(barChart(cards.agents.canvas, agents.top, 'messages'));
    charts.push(lineChart(cards.drops.canvas, drops, {stacked: true, onZoom: zoom}));
    root.dataset.drawn = String(charts.length);
    showStatus('');
  };
  load().catch((err) => {
    if (err.name === 'AbortError') return;
    clear(summary).append(err.status === 501 ? 'This store keeps no traffic statistics (the embedded store does).' : 'Could not load the statistics.');
    showStatus(err.message);
  });
  return () => {
    controller.abort();
    for (const c of charts) c.destroy();
  };
}
