// The HTTP API client: query strings, the bearer token (kept in localStorage) and the 401 dance.
// When the server answers 401 the token dialog opens once, however many requests were waiting,
// and every one of them is retried with the new token.

const TOKEN_KEY = 'siphon.api_token';
const MAX_AUTH_PROMPTS = 3;  // a wrong token asks again, but not forever

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export function token() {
  try {
    return localStorage.getItem(TOKEN_KEY) || '';
  } catch {
    return '';
  }
}

export function setToken(value) {
  try {
    if (value) {
      localStorage.setItem(TOKEN_KEY, value);
    } else {
      localStorage.removeItem(TOKEN_KEY);
    }
  } catch {
    // storage disabled: the token lives only as long as this page's requests
  }
}

/** URLSearchParams from an object; arrays repeat the key; empty values are left out. */
export function queryString(params = {}) {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) {
      if (v === undefined || v === null || v === '') continue;
      q.append(key, String(v));
    }
  }
  return q.toString();
}

/** A URL for links the browser follows itself (downloads): the token rides as ?token=. */
export function linkUrl(path, params = {}) {
  const t = token();
  const qs = queryString(t ? {...params, token: t} : params);
  return qs ? `${path}?${qs}` : path;
}

let pendingPrompt = null;

/** Opens the token dialog; resolves to true when a token was entered, false on cancel. */
export function askToken(reason) {
  if (pendingPrompt) return pendingPrompt;
  const dialog = document.getElementById('token-dialog');
  const input = document.getElementById('token-input');
  const why = document.getElementById('token-reason');
  if (!dialog || typeof dialog.showModal !== 'function') {
    const value = window.prompt(reason || 'API token');
    if (value) setToken(value.trim());
    return Promise.resolve(Boolean(value));
  }
  pendingPrompt = new Promise((resolve) => {
    if (why) why.textContent = reason || 'API token (sent as Authorization: Bearer).';
    input.value = token();
    const onClose = () => {
      dialog.removeEventListener('close', onClose);
      pendingPrompt = null;
      if (dialog.returnValue === 'save' && input.value.trim()) {
        setToken(input.value.trim());
        resolve(true);
      } else {
        if (dialog.returnValue === 'clear') setToken('');
        resolve(false);
      }
    };
    dialog.addEventListener('close', onClose);
    dialog.returnValue = '';
    dialog.showModal();
    input.focus();
  });
  return pendingPrompt;
}

async function errorText(res) {
  const text = await res.text().catch(() => '');
  try {
    const j = JSON.parse(text);
    if (j && typeof j.error === 'string') return j.error;
  } catch {
    // not JSON: the text itself
  }
  return text.trim() || res.statusText || `HTTP ${res.status}`;
}

/** fetch() with the token; on 401 asks for a token and tries again (bounded). */
export async function request(path, params = {}, {accept = 'application/json', signal} = {}) {
  const qs = queryString(params);
  const url = qs ? `${path}?${qs}` : path;
  for (let attempt = 0; ; ++attempt) {
    const headers = {Accept: accept};
    const t = token();
    if (t) headers.Authorization = `Bearer ${t}`;
    const res = await fetch(url, {headers, signal, cache: 'no-store'});
    if (res.status === 401 && attempt < MAX_AUTH_PROMPTS) {
      const reason = t ? 'The server refused this token (401). Enter another one:'
                       : 'This server needs an API token (401). Enter it:';
      if (await askToken(reason)) continue;
    }
    if (!res.ok) throw new ApiError(res.status, `${path}: ${res.status} ${await errorText(res)}`);
    return res;
  }
}

export async function getJson(path, params, options) {
  const res = await request(path, params, options);
  return res.json();
}

export async function getText(path, params, options) {
  const res = await request(path, params, {accept: '*/*', ...options});
  return res.text();
}
