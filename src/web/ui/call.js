// The call page (#/call?call_id=X or ?correlation=Y): every leg of the call, its ladder, the
// message of a clicked arrow in a side panel, the pcap download, and the media quality of its
// RTCP under the ladder.

import {getJson, getText, linkUrl} from './api.js';
import {h, clear, showStatus} from './dom.js';
import {adoptSvg, drawLadder} from './ladder.js';
import {renderMessage} from './message.js';
import {renderQuality} from './quality.js';

function idParams(query) {
  const p = {};
  for (const key of ['call_id', 'correlation', 'since', 'until']) {
    const v = query.get(key);
    if (v) p[key] = v;
  }
  return p;
}

function legsList(call) {
  const legs = Array.isArray(call.legs) ? call.legs : [];
  return h('ul', {class: 'legs', id: 'legs'}, legs.map((leg, i) => h('li', {},
    h('span', {class: `leg-swatch leg-c${i % 6}`}), `leg ${i}: `,
    h('a', {href: `#/call?${new URLSearchParams({call_id: leg.call_id || ''})}`}, leg.call_id || '?'),
    ` \u2014 ${leg.messages ?? '?'} message(s)`)));
}

export function renderCall(root, query) {
  const ids = idParams(query);
  const title = ids.call_id || ids.correlation || '';
  clear(root);
  if (!ids.call_id && !ids.correlation) {
    root.append(h('p', {class: 'hint'}, 'No Call-ID given. ', h('a', {href: '#/search'}, 'Search'), ' for a call first.'));
    return null;
  }
  const controller = new AbortController();
  const signal = controller.signal;
  const summary = h('p', {class: 'summary', id: 'call-summary'}, 'Loading\u2026');
  const ladderBox = h('div', {class: 'ladder-box', id: 'ladder'});
  const panel = h('aside', {class: 'message-panel', id: 'message-panel', hidden: true});
  const legsBox = h('div', {class: 'legs-box'});
  const qualityBox = h('div', {class: 'quality-slot'});
  const pcapUrl = linkUrl('/api/v1/call/export.pcap', ids);
  const textUrl = linkUrl('/api/v1/call/export.txt', ids);
  // A token entered after the page was drawn (the 401 prompt of its first request) must ride
  // along too: the link is rebuilt when clicked, before the browser follows it.
  const refreshLink = (path) => (e) => { e.currentTarget.href = linkUrl(path, ids); };
  const safeName = (ids.call_id || ids.correlation).replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80);
  root.append(
    h('div', {class: 'call-head'},
      h('h1', {}, ids.call_id ? 'Call ' : 'Correlation ', h('code', {id: 'call-title'}, title)),
      h('div', {class: 'actions'},
        h('a', {class: 'button primary', id: 'download-pcap', href: pcapUrl, download: `call-${safeName}.pcap`,
                onclick: refreshLink('/api/v1/call/export.pcap')}, 'Download pcap'),
        h('a', {class: 'button', id: 'download-text', href: textUrl, download: `call-${safeName}.txt`,
                onclick: refreshLink('/api/v1/call/export.txt')}, 'Text'),
        h('button', {type: 'button', onclick: () => history.back()}, 'Back'))),
    summary, legsBox,
    h('div', {class: 'call-body'}, ladderBox, panel), qualityBox);

  let ladderJson = null;
  let callJson = null;

  async function showArrow(index) {
    const arrow = ladderJson && ladderJson.arrows ? ladderJson.arrows[index] : null;
    for (const g of ladderBox.querySelectorAll('g.arrow.selected')) g.classList.remove('selected');
    const g = ladderBox.querySelector(`g.arrow[data-index="${Number(index)}"]`);
    if (g) g.classList.add('selected');
    const close = h('button', {type: 'button', class: 'close', title: 'Close', onclick: () => {
      panel.hidden = true;
      if (g) g.classList.remove('selected');
    }}, '\u00d7');
    clear(panel).append(h('div', {class: 'panel-head'}, h('h2', {}, arrow ? arrow.label : `arrow ${index}`), close),
                        h('p', {class: 'hint'}, 'Loading\u2026'));
    panel.hidden = false;
    try {
      let record = null;
      const messageId = arrow && arrow.message_id;
      if (messageId) {
        record = await getJson(`/api/v1/message/${encodeURIComponent(messageId)}`, {}, {signal});
      } else if (callJson && g && g.dataset.message !== undefined) {
        record = (callJson.messages || [])[Number(g.dataset.message)] || null;
      }
      if (!record) throw new Error('this arrow names no stored message');
      clear(panel).append(h('div', {class: 'panel-head'}, h('h2', {}, arrow ? arrow.label : (record.method || '')), close),
                          renderMessage(record, arrow));
      panel.dataset.index = String(index);
    } catch (err) {
      if (err.name === 'AbortError') return;
      clear(panel).append(h('div', {class: 'panel-head'}, h('h2', {}, 'Message'), close),
                          h('p', {class: 'error'}, err.message));
    }
  }

  ladderBox.addEventListener('click', (e) => {
    const g = e.target.closest && e.target.closest('g.arrow');
    if (g && g.dataset.index !== undefined) showArrow(Number(g.dataset.index));
  });
  ladderBox.addEventListener('keydown', (e) => {
    const g = e.target.closest && e.target.closest('g.arrow');
    if (g && (e.key === 'Enter' || e.key === ' ')) {
      e.preventDefault();
      showArrow(Number(g.dataset.index));
    }
  });

  const load = async () => {
    const [call, ladder, svgText] = await Promise.all([
      getJson('/api/v1/call', ids, {signal}),
      getJson('/api/v1/call/ladder', {...ids, format: 'json'}, {signal}),
      getText('/api/v1/call/ladder', {...ids, format: 'svg'}, {signal}).catch((err) => {
        if (err.name === 'AbortError') throw err;
        return '';  // drawn from the JSON below
      }),
    ]);
    callJson = call;
    ladderJson = ladder;
    const messages = Array.isArray(call.messages) ? call.messages.length : 0;
    const arrows = Array.isArray(ladder.arrows) ? ladder.arrows.length : 0;
    const legs = Array.isArray(call.legs) ? call.legs.length : 0;
    clear(summary).append(`${messages} message(s), ${arrows} arrow(s), ${legs} leg(s)`);
    summary.dataset.messages = String(messages);
    summary.dataset.arrows = String(arrows);
    if (call.truncated) {
      summary.append(h('span', {class: 'warning'}, ` \u2014 truncated: ${call.truncated_reason || 'too many messages'}`));
    }
    legsBox.append(legsList(call));
    const svg = (svgText && adoptSvg(svgText)) || drawLadder(ladder);
    for (const g of svg.querySelectorAll('g.arrow')) {
      g.setAttribute('tabindex', '0');
      g.setAttribute('role', 'button');
    }
    clear(ladderBox).append(svg);
    const quality = renderQuality(call.media);
    if (quality) {
      clear(qualityBox).append(quality.section);
      quality.draw();
    }
    showStatus('');
  };
  load().catch((err) => {
    if (err.name === 'AbortError') return;
    clear(summary).append(err.status === 404 ? 'No message of this call is stored.' : 'Could not load the call.');
    showStatus(err.message);
  });
  return () => controller.abort();
}
