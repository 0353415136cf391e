// The call page's media quality: one row per RTP stream the call's RTCP, RFC 6035 PUBLISH or
// RTP agent QoS reports told of (GET
// /api/v1/call "media"), and jitter, loss and MOS over time as charts. Chart.js comes from
// Debian's libjs-chart.js, compiled into the binary and loaded by index.html as the global
// `Chart`; without it the table still shows.

import {h} from './dom.js';

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf'];

const fixed = (v, digits = 1) => Number(v ?? 0).toFixed(digits);
// An agent's QoS report names its stream; RTCP names it by SSRC.
const streamLabel = (s) => (s.ssrc === 0 && s.name) ? s.name : (s.ssrc_hex || String(s.ssrc));
const ORIGINS = {'vq-rtcpxr': 'SIP PUBLISH (RFC 6035)', 'hep-qos': 'RTP agent QoS report (HEP 34/35)'};

function streamRow(s, i) {
  return h('tr', {dataset: {ssrc: s.ssrc_hex || ''}},
    h('td', {}, h('span', {class: `leg-swatch leg-c${i % 6}`}), h('code', {}, streamLabel(s))),
    h('td', {}, s.from || '?'),
    h('td', {}, s.to || '?'),
    h('td', {class: 'num', dataset: {field: 'packets'}}, String(s.packets ?? 0)),
    h('td', {class: 'num', dataset: {field: 'lost'}}, String(s.lost ?? 0)),
    h('td', {class: 'num', dataset: {field: 'loss'}}, fixed(s.loss_pct, 2)),
    h('td', {class: 'num', dataset: {field: 'jitter-avg'}}, fixed(s.avg_jitter_ms, 2)),
    h('td', {class: 'num', dataset: {field: 'jitter-max'}}, fixed(s.max_jitter_ms, 2)),
    h('td', {class: 'num', dataset: {field: 'mos'}, title: {rtcp_xr: 'from RTCP XR', reported: 'reported by the endpoint or agent'}[s.mos_source] || 'estimated (E-model)'},
      fixed(s.mos, 2), s.mos_source === 'rtcp_xr' ? ' XR' : s.mos_source === 'reported' ? (s.origin === 'hep-qos' ? ' QoS' : ' VQ') : ''),
    h('td', {class: 'num'}, String(s.reports ?? 0)),
    h('td', {}, ORIGINS[s.origin] || s.cname || ''));
}

function lineChart(canvas, streams, t0, field, label) {
  const datasets = streams.map((s, i) => ({
    label: streamLabel(s),
    data: (s.samples || []).map((p) => ({x: (p.micro_ts - t0) / 1e6, y: p[field]})),
    borderColor: COLORS[i % COLORS.length],
    backgroundColor: COLORS[i % COLORS.length],
    tension: 0,
  }));
  return new window.Chart(canvas, {
    type: 'line',
    data: {datasets},
    options: {
      animation: false,
      maintainAspectRatio: false,
      parsing: true,
      scales: {
        x: {type: 'linear', title: {display: true, text: 'seconds since the first report'}},
        y: {beginAtZero: true, title: {display: true, text: label}},
      },
      plugins: {legend: {position: 'bottom'}, title: {display: true, text: label}},
    },
  });
}

/**
 * The section for `media` (mediaJson in src/web/api_json.h), or null when the call has no
 * RTCP. Call draw() once the section is in the document: Chart.js sizes to its parent.
 */
export function renderQuality(media) {
  const streams = media && Array.isArray(media.streams) ? media.streams : [];
  if (!streams.length) return null;
  const head = ['SSRC', 'From', 'To', 'Packets', 'Lost', 'Loss %', 'Jitter avg (ms)', 'Jitter max (ms)',
                'MOS', 'Reports', 'CNAME / source'];
  const table = h('table', {class: 'results quality', id: 'quality-table'},
    h('thead', {}, h('tr', {}, head.map((t) => h('th', {}, t)))),
    h('tbody', {}, streams.map(streamRow)));
  const charts = window.Chart ? ['jitter_ms', 'fraction_lost_pct', 'mos'].map((field) =>
    h('div', {class: 'chart-box'}, h('canvas', {class: 'quality-chart', dataset: {field}}))) : [];
  const note = media.unreadable ? h('p', {class: 'hint'}, `${media.unreadable} RTCP record(s) could not be read.`) : null;
  const section = h('section', {class: 'quality-box', id: 'media-quality'},
    h('h2', {}, 'Media quality (RTCP)'), table, note, h('div', {class: 'charts'}, charts));
  const draw = () => {
    if (!window.Chart) return;
    let t0 = Infinity;
    for (const s of streams) for (const p of s.samples || []) t0 = Math.min(t0, p.micro_ts);
    if (!Number.isFinite(t0)) return;
    const labels = {jitter_ms: 'jitter (ms)', fraction_lost_pct: 'loss in the interval (%)', mos: 'MOS'};
    for (const canvas of section.querySelectorAll('canvas.quality-chart')) {
      const field = canvas.dataset.field;
      lineChart(canvas, streams, t0, field, labels[field]);
      canvas.dataset.drawn = '1';
    }
  };
  return {section, draw};
}
