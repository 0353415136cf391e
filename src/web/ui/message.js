// One SIP message as DOM: a summary line, the start line and headers (header names marked),
// and the body, with SDP in its own block whose lines are coloured by type (RFC 8866 §5:
// every SDP line is <type>=<value>, the type one letter). Text only, through textContent.

import {h, shortDate, endpoint, transportName} from './dom.js';

/** The message text of a record: "msg", or "msg_b64" decoded byte by byte (Latin-1). */
export function messageText(record) {
  if (typeof record.msg === 'string') return record.msg;
  if (typeof record.msg_b64 === 'string') {
    try {
      return atob(record.msg_b64);
    } catch {
      return '';
    }
  }
  return '';
}

function splitMessage(text) {
  let at = text.indexOf('\r\n\r\n');
  let sep = 4;
  if (at < 0) {
    at = text.indexOf('\n\n');
    sep = 2;
  }
  if (at < 0) return {head: text, body: ''};
  return {head: text.slice(0, at), body: text.slice(at + sep)};
}

function lines(text) {
  return text.split(/\r?\n/);
}

/** True when the body is (or holds, in a multipart) a session description. */
function looksLikeSdp(head, body) {
  if (/^content-type\s*:\s*application\/sdp/im.test(head) || /^c\s*:\s*application\/sdp/im.test(head)) return true;
  return /^v=0\s*$/m.test(body) && /^[om]=/m.test(body);
}

function headBlock(head) {
  const pre = h('pre', {class: 'sip-head'});
  lines(head).forEach((line, i) => {
    if (i > 0) pre.append('\n');
    if (i === 0) {
      pre.append(h('span', {class: 'start-line'}, line));
      return;
    }
    const colon = line.indexOf(':');
    if (colon > 0 && !/^\s/.test(line)) {
      pre.append(h('span', {class: 'hdr-name'}, line.slice(0, colon)), h('span', {class: 'hdr-colon'}, ':'),
                 line.slice(colon + 1));
    } else {
      pre.append(line);
    }
  });
  return pre;
}

function sdpBlock(body) {
  const pre = h('pre', {class: 'sdp', 'aria-label': 'SDP body'});
  const parts = lines(body);
  if (parts.length && parts[parts.length - 1] === '') parts.pop();
  parts.forEach((line, i) => {
    if (i > 0) pre.append('\n');
    const m = /^([a-z])=/.exec(line);
    if (m) {
      pre.append(h('span', {class: `sdp-line sdp-${m[1]}`}, h('span', {class: 'sdp-type'}, `${m[1]}=`),
                   line.slice(2)));
    } else {
      pre.append(h('span', {class: 'sdp-other'}, line));
    }
  });
  return pre;
}

/** A panel body for one stored message (RECORD with msg or msg_b64). */
export function renderMessage(record, arrow) {
  const text = messageText(record);
  const {head, body} = splitMessage(text);
  const facts = [
    ['Time (UTC)', shortDate(record.date)],
    ['From \u2192 to', `${endpoint(record.source_ip, record.source_port)} \u2192 ${endpoint(record.destination_ip, record.destination_port)}`],
    ['Transport', transportName(record.proto)],
    ['Node', record.node || ''],
    ['Seen at', arrow && Array.isArray(arrow.nodes) ? arrow.nodes.join(', ') : ''],
    ['Call-ID', record.callid || ''],
    ['CSeq', record.cseq || ''],
    ['Correlation', record.correlation_id || ''],
    ['Parse error', record.parse_error || ''],
  ].filter(([, v]) => v);
  const out = h('div', {class: 'message'},
    h('dl', {class: 'facts'}, facts.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    record.msg_b64 ? h('p', {class: 'hint'}, 'The message is not UTF-8: shown byte by byte (Latin-1).') : null,
    headBlock(head));
  if (body) {
    out.append(looksLikeSdp(head, body) ? sdpBlock(body) : h('pre', {class: 'body'}, body));
  }
  return out;
}
