// Tiny DOM helpers. Every piece of text goes in through textContent / createTextNode, never
// through HTML parsing, so captured message text can never become markup.

/**
 * h('a', {href: '#/x', class: 'c', onclick: fn, dataset: {k: 'v'}}, 'text', childNode, ...)
 * Attributes whose value is null, undefined or false are left out; `true` sets an empty one.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') {
      el.className = value;
    } else if (key === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (key === 'value') {
      el.value = value;
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

/** Appends strings (as text nodes), nodes and nested arrays of them; skips null/false. */
export function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) {
      append(el, child);
    } else if (child instanceof Node) {
      el.appendChild(child);
    } else {
      el.appendChild(document.createTextNode(String(child)));
    }
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

/** Shows an error (or clears it with an empty message) in the banner under the top bar. */
export function showStatus(message, kind = 'error') {
  const el = document.getElementById('status');
  if (!el) return;
  el.textContent = message || '';
  el.className = kind;
  el.hidden = !message;
}

/** "2024-05-01T10:00:00.123456Z" -> "2024-05-01 10:00:00.123456" (times stay UTC, like the CLI). */
export function shortDate(rfc3339) {
  if (typeof rfc3339 !== 'string') return '';
  return rfc3339.replace('T', ' ').replace(/Z$/, '');
}

/** "ip:port", IPv6 in brackets. */
export function endpoint(ip, port) {
  if (!ip) return '';
  const host = String(ip).includes(':') ? `[${ip}]` : String(ip);
  return port ? `${host}:${port}` : host;
}

/** Transport name of the `proto` column (Kamailio sip_capture: 1 UDP, 2 TCP, 3 TLS, 4 SCTP, 5 WS, 6 WSS). */
export function transportName(proto) {
  return {1: 'UDP', 2: 'TCP', 3: 'TLS', 4: 'SCTP', 5: 'WS', 6: 'WSS'}[proto] || (proto ? `transport ${proto}` : '');
}
