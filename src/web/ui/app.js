// Siphon web UI: a hash router over four pages. Plain ES modules, no build step; the files are
// embedded in the `siphon` binary (cmake/EmbedFiles.cmake) and served by `siphon serve`.
//   #/search?...            search form and results (search.js)
//   #/call?call_id=...      one call: legs, ladder, message panel, pcap (call.js)
//   #/dashboard?range=24h   traffic charts from the store's statistics (dashboard.js)
//   #/stats                 live counters (stats.js)

import {askToken, setToken, token} from './api.js';
import {showStatus} from './dom.js';
import {renderSearch} from './search.js';
import {renderCall} from './call.js';
import {renderStats} from './stats.js';
import {renderDashboard} from './dashboard.js';

const ROUTES = {
  '/search': renderSearch,
  '/call': renderCall,
  '/dashboard': renderDashboard,
  '/stats': renderStats,
};

let cleanup = null;

function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/search';
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  const query = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1));
  return {path: ROUTES[path] ? path : '/search', query};
}

function route() {
  if (cleanup) cleanup();
  cleanup = null;
  showStatus('');
  const {path, query} = parseHash();
  for (const a of document.querySelectorAll('nav a[data-route]')) {
    a.classList.toggle('active', a.dataset.route === path || (path === '/call' && a.dataset.route === '/search'));
  }
  const view = document.getElementById('view');
  const name = path.slice(1);
  document.title = `Siphon \u2014 ${name}`;
  view.dataset.page = name;
  cleanup = ROUTES[path](view, query) || null;
  window.scrollTo(0, 0);
}

function updateTokenButton() {
  const b = document.getElementById('token-button');
  if (b) b.textContent = token() ? 'Token \u2713' : 'Token';
}

document.getElementById('token-button').addEventListener('click', async () => {
  await askToken('API token (sent as Authorization: Bearer; kept in this browser):');
  updateTokenButton();
  route();
});
document.getElementById('token-dialog').addEventListener('close', updateTokenButton);
window.addEventListener('hashchange', route);
window.addEventListener('unhandledrejection', (e) => showStatus(String(e.reason && e.reason.message || e.reason)));
updateTokenButton();
route();

// For tests and the console: forget the stored token.
window.siphonForgetToken = () => { setToken(''); updateTokenButton(); };
