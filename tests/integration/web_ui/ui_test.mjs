// End-to-end test of the Siphon web UI in headless Chromium (Debian's /usr/bin/chromium driven by
// playwright-core; no browser download). Started by ../web_ui_test.sh against a real
// `siphon serve` holding real calls. Environment:
//   SIPHON_URL     http://127.0.0.1:PORT of `siphon serve --http`
//   SIPHON_TOKEN   the api_read_tokens value the server was given ("" = none configured)
//   SIPHON_XSS_CALL  Call-ID of a stored call whose INVITE carries markup in a header
//   SIPHON_QOS_CALL    Call-ID of a stored call with RTCP (payload type 5) correlated to it
//   SIPHON_QOS_EXPECT  {"0x<ssrc>": {"packets", "lost", "jitter_max"}}: what tshark reads in that RTCP
//   SIPHON_HEP_PORT    the collector's HEP/UDP port (the live tail step sends a message to it)
//   OUT_DIR        where the screenshots and the downloaded pcap go
//   CHROMIUM       the browser (default /usr/bin/chromium)
// Steps: pick a whole 7-message call through the API; in the browser search by its From user
// (answering the token prompt when the server asks), then by its Call-ID; open the call; the
// ladder has one arrow per message of GET /api/v1/call; clicking the INVITE shows its Call-ID
// and SDP in the side panel; the pcap download starts with the pcap magic and tshark reads the
// same number of SIP messages; the stats page shows live counters; message text with markup
// stays text; the call with RTCP shows one row per stream with tshark's figures and three
// charts, and is photographed (call-qos.png). Prints FAIL lines and exits 1 on any failure; every wait is bounded.

import {execFileSync} from 'node:child_process';
import dgram from 'node:dgram';
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {chromium} from 'playwright-core';

const BASE = process.env.SIPHON_URL;
const TOKEN = process.env.SIPHON_TOKEN || '';
const XSS_CALL = process.env.SIPHON_XSS_CALL || '';
const QOS_CALL = process.env.SIPHON_QOS_CALL || '';
const HEP_PORT = Number(process.env.SIPHON_HEP_PORT || 0);
const QOS_EXPECT = process.env.SIPHON_QOS_EXPECT || '{}';
const OUT = process.env.OUT_DIR || '/tmp';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const WAIT = 15000;  // ms, per UI step
// The first page: a cold Chromium on two cores shared with the database servers of other
// tests has been seen to need longer than one step.
const FIRST_WAIT = 45000;

let failures = 0;
const fail = (msg) => { failures += 1; console.log(`FAIL: ${msg}`); };
const check = (cond, msg) => { if (!cond) fail(msg); return cond; };

async function api(pathAndQuery) {
  const headers = TOKEN ? {Authorization: `Bearer ${TOKEN}`} : {};
  const res = await fetch(BASE + pathAndQuery, {headers, signal: AbortSignal.timeout(10000)});
  if (!res.ok) throw new Error(`${pathAndQuery}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

/** A stored call with all 7 messages (INVITE 100 180 200 ACK BYE 200) from the load generator. */
async function pickCall() {
  const found = await api('/api/v1/search?method=INVITE&since=-1h&limit=100');
  for (const r of found.records || []) {
    if (!r.callid || r.callid === XSS_CALL || !r.from_user) continue;
    const call = await api(`/api/v1/call?call_id=${encodeURIComponent(r.callid)}`);
    if ((call.messages || []).length === 7) return {record: r, call};
  }
  throw new Error('no 7-message call stored');
}

/** One HEPv3 packet with an OPTIONS of Call-ID `callId`, sent to the collector over UDP. */
function sendHepSip(port, callId) {
  const sip = Buffer.from(`OPTIONS sip:ping@192.0.2.20 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-live\r\n` +
    `From: <sip:live@example.com>;tag=l1\r\nTo: <sip:ping@example.com>\r\nCall-ID: ${callId}\r\n` +
    `CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`);
  const chunk = (type, value) => {
    const head = Buffer.alloc(6);
    head.writeUInt16BE(0, 0);
    head.writeUInt16BE(type, 2);
    head.writeUInt16BE(6 + value.length, 4);
    return Buffer.concat([head, value]);
  };
  const u16 = (v) => { const b = Buffer.alloc(2); b.writeUInt16BE(v); return b; };
  const u32 = (v) => { const b = Buffer.alloc(4); b.writeUInt32BE(v >>> 0); return b; };
  const now = Date.now();
  const body = Buffer.concat([chunk(1, Buffer.from([2])), chunk(2, Buffer.from([17])),
    chunk(3, Buffer.from([192, 0, 2, 10])), chunk(4, Buffer.from([192, 0, 2, 20])), chunk(7, u16(5060)),
    chunk(8, u16(5060)), chunk(9, u32(Math.floor(now / 1000))), chunk(10, u32((now % 1000) * 1000)),
    chunk(11, Buffer.from([1])), chunk(12, u32(2001)), chunk(15, sip)]);
  const head = Buffer.alloc(6);
  head.write('HEP3', 0);
  head.writeUInt16BE(6 + body.length, 4);
  const socket = dgram.createSocket('udp4');
  return new Promise((resolve, reject) => socket.send(Buffer.concat([head, body]), port, '127.0.0.1', (err) => {
    socket.close();
    if (err) reject(err); else resolve();
  }));
}

function pcapMagicOk(buf) {
  if (buf.length < 24) return false;
  const m = buf.readUInt32LE(0);
  // classic pcap, µs or ns timestamps, either byte order
  return [0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1].includes(m);
}

async function main() {
  const {record, call} = await pickCall();
  const callId = record.callid;
  const user = record.from_user;
  const messageCount = call.messages.length;
  const invite = call.messages.find((m) => m.method === 'INVITE');
  console.log(`web_ui: call ${callId} (from ${user}), ${messageCount} messages`);

  const browser = await chromium.launch({executablePath: CHROMIUM, args: ['--no-sandbox'], timeout: 30000});
  const summary = {};
  // Outside the try: a failure report needs them (a step that times out says only which
  // selector it wanted).
  let page = null;
  const pageErrors = [];
  const failedRequests = [];
  try {
    const context = await browser.newContext({acceptDownloads: true, viewport: {width: 1500, height: 950}});
    page = await context.newPage();
    page.setDefaultTimeout(WAIT);
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    // The first API request answers 401 (that is what opens the token prompt); Chromium logs it.
    page.on('console', (m) => {
      if (m.type() === 'error' && !/status of 401/.test(m.text())) pageErrors.push(`console: ${m.text()}`);
    });
    const external = [];
    page.on('request', (r) => { if (!r.url().startsWith(BASE) && !r.url().startsWith('data:')) external.push(r.url()); });
    page.on('requestfailed', (r) => failedRequests.push(`${r.url()}: ${r.failure()?.errorText}`));

    // ---- search by user (token prompt first when the server has tokens) ----------------------
    await page.goto(`${BASE}/`, {waitUntil: 'load', timeout: FIRST_WAIT});
    await page.waitForSelector('#search-form', {timeout: FIRST_WAIT});
    await page.fill('#search-form input[name=from_user]', user);
    await page.click('#search-form button.preset[data-since="-1h"]');  // a preset submits
    if (TOKEN) {
      await page.waitForSelector('#token-dialog[open]');
      await page.fill('#token-input', TOKEN);
      await page.click('#token-save');
      // The dialog's close handler stores the token: wait (bounded) for it rather than racing it.
      const kept = await page.waitForFunction(
          (t) => localStorage.getItem('siphon.api_token') === t, TOKEN, {timeout: 5000})
          .then(() => true, () => false);
      check(kept, 'the token was not kept in localStorage');
    }
    await page.waitForSelector('#results tbody tr.result');
    const rows = await page.$$eval('#results tbody tr.result', (trs) => trs.map((tr) => ({
      callId: tr.dataset.callId, cells: [...tr.cells].map((td) => td.textContent)})));
    check(rows.length > 0, 'search by From user shows no rows');
    check(rows.every((r) => r.cells[2] === user), `rows of another From user: ${JSON.stringify(rows.slice(0, 3))}`);
    check(rows.some((r) => r.callId === callId), `the call ${callId} is not among the user's rows`);
    summary.userRows = rows.length;
    check(page.url().includes('from_user=') && page.url().includes('since=-1h'), `hash does not hold the search: ${page.url()}`);

    // ---- everything of the last hour, 25 rows a page: next and previous pages -----------------
    await page.fill('#search-form input[name=from_user]', '');
    await page.selectOption('#search-form select[name=limit]', '25');
    await page.click('#search-button');
    await page.waitForFunction(() => document.querySelector('.pager .range')?.textContent === '1\u201325');
    check(await page.$$eval('#results tbody tr.result', (t) => t.length) === 25, 'first page is not 25 rows');
    const firstPageTop = await page.$eval('#results tbody tr.result', (tr) => tr.dataset.id);
    check(await page.isEnabled('#next-page') && !(await page.isEnabled('#prev-page')), 'pager buttons on page 1');
    await page.click('#next-page');
    await page.waitForFunction(() => document.querySelector('.pager .range')?.textContent === '26\u201350');
    check(await page.$eval('#results tbody tr.result', (tr) => tr.dataset.id) !== firstPageTop, 'page 2 repeats page 1');
    check(page.url().includes('offset=25'), `page 2 URL: ${page.url()}`);
    await page.click('#prev-page');
    await page.waitForFunction(() => document.querySelector('.pager .range')?.textContent === '1\u201325');
    check(await page.$eval('#results tbody tr.result', (tr) => tr.dataset.id) === firstPageTop, 'back on page 1, other rows');

    // ---- search by Call-ID: exactly this call's messages ------------------------------------
    await page.selectOption('#search-form select[name=limit]', '50');
    await page.fill('#search-form input[name=call_id]', callId);
    await page.click('#search-button');
    await page.waitForFunction((cid) => {
      const trs = [...document.querySelectorAll('#results tbody tr.result')];
      return trs.length > 0 && trs.every((tr) => tr.dataset.callId === cid);
    }, callId);
    const cidRows = await page.$$eval('#results tbody tr.result', (trs) => trs.map((tr) => tr.cells[1].textContent));
    check(cidRows.length === messageCount, `search by Call-ID shows ${cidRows.length} rows, want ${messageCount}`);
    check(cidRows.includes('INVITE') && cidRows.some((t) => t.startsWith('200')), `methods: ${cidRows}`);

    // ---- the call page -----------------------------------------------------------------------
    await page.click(`#results tbody tr.result[data-call-id="${callId}"] td.callid a`);
    await page.waitForSelector('#ladder svg g.arrow');
    check(page.url().includes('#/call?call_id='), `call page URL: ${page.url()}`);
    const arrows = await page.$$eval('#ladder svg g.arrow', (gs) => gs.map((g) => ({
      index: g.dataset.index, label: (g.querySelector('text.label') || {}).textContent || ''})));
    check(arrows.length === messageCount, `ladder has ${arrows.length} arrows, the API ${messageCount} messages`);
    const columns = await page.$$eval('#ladder svg g.column text.host', (ts) => ts.map((t) => t.textContent));
    check(columns.length === 2, `ladder columns: ${columns}`);
    const legs = await page.$$eval('#legs li', (lis) => lis.map((li) => li.textContent));
    check(legs.length === 1 && legs[0].includes(callId), `legs: ${legs}`);
    const summaryText = await page.textContent('#call-summary');
    check(summaryText.startsWith(`${messageCount} message(s), ${messageCount} arrow(s), 1 leg(s)`), `summary: ${summaryText}`);

    // ---- click the INVITE: its text in the panel, SDP in its own block ------------------------
    const inviteArrow = arrows.findIndex((a) => a.label.startsWith('INVITE'));
    check(inviteArrow === 0, `the first arrow is ${arrows[0] && arrows[0].label}`);
    await page.click(`#arrow-${Math.max(inviteArrow, 0)} text.label`);
    await page.waitForSelector('#message-panel:not([hidden]) pre.sip-head');
    const head = await page.textContent('#message-panel pre.sip-head');
    check(head.startsWith('INVITE sip:'), `panel start line: ${head.slice(0, 60)}`);
    const facts = await page.textContent('#message-panel dl.facts');
    check(facts.includes('TransportUDP') && facts.includes(`Call-ID${callId}`), `panel facts: ${facts}`);
    check(head.includes(`Call-ID: ${callId}`), 'panel lacks the Call-ID header');
    const sdp = await page.textContent('#message-panel pre.sdp').catch(() => '');
    check(/^m=audio \d+ RTP\/AVP/m.test(sdp), `panel SDP block: ${sdp.slice(0, 120)}`);
    check(await page.$$eval('#message-panel pre.sdp .sdp-m, #message-panel pre.sdp .sdp-c, #message-panel pre.sdp .sdp-a',
                            (s) => s.length) >= 3, 'SDP m=/c=/a= lines are not marked');
    check(invite && invite.msg && head.includes(invite.msg.split('\r\n')[0]), 'panel text is not the stored INVITE');
    check(await page.$eval('#arrow-0', (g) => g.classList.contains('selected')), 'the clicked arrow is not selected');
    summary.panelStart = head.split('\n')[0];
    summary.sdpLine = (sdp.match(/^m=.*$/m) || [''])[0];

    const shot = path.join(OUT, 'call-page.png');
    await page.screenshot({path: shot, fullPage: true});
    summary.screenshot = shot;
    summary.columns = columns;
    summary.labels = arrows.map((a) => a.label);

    // ---- click another arrow: the panel follows ------------------------------------------------
    await page.click(`#arrow-${messageCount - 1} text.label`);
    await page.waitForFunction(() => document.querySelector('#message-panel pre.sip-head')?.textContent.startsWith('SIP/2.0 200'));

    // ---- Download pcap -----------------------------------------------------------------------
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-pcap')]);
    const pcapPath = path.join(OUT, 'ui-download.pcap');
    await download.saveAs(pcapPath);
    check(download.suggestedFilename().endsWith('.pcap'), `download name ${download.suggestedFilename()}`);
    const pcap = readFileSync(pcapPath);
    check(pcapMagicOk(pcap), `download does not start with the pcap magic: ${pcap.subarray(0, 4).toString('hex')}`);
    const tshark = execFileSync('tshark', ['-r', pcapPath, '-Y', 'sip', '-T', 'fields', '-e', 'sip.Call-ID'],
                                {encoding: 'utf8', timeout: 60000, stdio: ['ignore', 'pipe', 'ignore']});
    const tsharkIds = tshark.split('\n').filter(Boolean);
    check(tsharkIds.length === messageCount, `tshark reads ${tsharkIds.length} SIP messages, want ${messageCount}`);
    check(tsharkIds.every((id) => id === callId), `tshark Call-IDs: ${[...new Set(tsharkIds)]}`);
    summary.pcapBytes = pcap.length;
    summary.tsharkSip = tsharkIds.length;

    // ---- markup in a message stays text -------------------------------------------------------
    if (XSS_CALL) {
      await page.goto(`${BASE}/#/call?call_id=${encodeURIComponent(XSS_CALL)}`);
      await page.waitForSelector('#ladder svg g.arrow');
      await page.click('#arrow-0 text.label');
      await page.waitForSelector('#message-panel:not([hidden]) pre.sip-head');
      const text = await page.textContent('#message-panel pre.sip-head');
      check(text.includes('<img src=x onerror='), 'the markup header is not shown as text');
      check(await page.$$eval('#message-panel img, #message-panel script, #ladder img', (x) => x.length) === 0,
            'message text became elements');
      check(await page.evaluate(() => window.__siphonXss === undefined), 'script from a message ran');
    }

    // ---- a call with RTCP: its media quality is what tshark reads -------------------------------
    if (QOS_CALL) {
      const expect = JSON.parse(QOS_EXPECT);
      const qos = await api(`/api/v1/call?call_id=${encodeURIComponent(QOS_CALL)}`);
      const apiStreams = (qos.media && qos.media.streams) || [];
      check(qos.media && qos.media.rtcp_records === 5, `API: ${qos.media && qos.media.rtcp_records} RTCP records, want 5`);
      check(apiStreams.length === Object.keys(expect).length,
            `API: ${apiStreams.length} streams, tshark: ${Object.keys(expect).length}`);
      await page.goto(`${BASE}/#/call?call_id=${encodeURIComponent(QOS_CALL)}`);
      await page.waitForSelector('#quality-table tbody tr');
      const rows = await page.$$eval('#quality-table tbody tr', (trs) => trs.map((tr) => {
        const cell = (f) => tr.querySelector(`td[data-field="${f}"]`)?.textContent.trim() || '';
        return {ssrc: tr.dataset.ssrc, packets: cell('packets'), lost: cell('lost'), jitterMax: cell('jitter-max'),
                mos: cell('mos')};
      }));
      check(rows.length === Object.keys(expect).length, `quality table: ${rows.length} rows`);
      for (const [ssrc, want] of Object.entries(expect)) {
        const row = rows.find((r) => r.ssrc === ssrc);
        if (!check(row, `quality table has no row for ${ssrc}`)) continue;
        check(Number(row.packets) === want.packets, `${ssrc} packets ${row.packets}, tshark ${want.packets}`);
        check(Number(row.lost) === want.lost, `${ssrc} lost ${row.lost}, tshark ${want.lost}`);
        check(row.jitterMax === want.jitter_max.toFixed(2), `${ssrc} max jitter ${row.jitterMax} ms, tshark ${want.jitter_max}`);
        check(Number(row.mos) >= 1 && Number(row.mos) <= 4.5, `${ssrc} MOS ${row.mos}`);
      }
      await page.waitForFunction(() => document.querySelectorAll('#media-quality canvas[data-drawn="1"]').length === 3);
      const qosShot = path.join(OUT, 'call-qos.png');
      await page.screenshot({path: qosShot, fullPage: true});
      summary.qosRows = rows.map((r) => `${r.ssrc} ${r.packets} packets, ${r.lost} lost, jitter max ${r.jitterMax} ms, MOS ${r.mos}`);
    }

    // ---- dashboard: the charts draw, and the counts are the store's -----------------------------
    // The store writes its statistics every 5 s (stats_write_interval): wait for them.
    const stats = await api('/api/v1/stats');
    let counted = 0;
    for (let i = 0; i < 150 && counted !== stats.stored; ++i) {
      if (i) await new Promise((r) => setTimeout(r, 100));
      const totalSeries = await api('/api/v1/stats/series?by=total&since=-1h');
      counted = totalSeries.series.reduce((n, s) => n + s.total, 0);
    }
    check(counted === stats.stored, `stats/series total counts ${counted} records, the collector stored ${stats.stored}`);
    const methods = await api('/api/v1/stats/series?by=method&since=-1h');
    const invites = (methods.series.find((s) => s.key === 'INVITE') || {}).total || 0;
    const searched = await api('/api/v1/search?method=INVITE&since=-1h&limit=1000');
    check(invites === (searched.records || []).length, `stats/series counts ${invites} INVITEs, search finds ${(searched.records || []).length}`);
    await page.click('nav a[data-route="/dashboard"]');
    await page.click('a[data-range="1h"]');
    await page.waitForFunction(() => document.getElementById('view')?.dataset.drawn === '9');
    const requests = Number(await page.getAttribute('#dash-summary', 'data-requests'));
    const apiRequests = methods.series.reduce((n, s) => n + s.total, 0);
    check(requests === apiRequests, `dashboard shows ${requests} requests, the API ${apiRequests}`);
    check(await page.$$eval('.dash-card canvas', (c) => c.filter((x) => x.width > 0).length) === 9, 'dashboard charts not drawn');
    const drops = await api('/api/v1/stats/series?by=drops&since=-1h');
    check(Array.isArray(drops.series) && drops.buckets.length > 0, 'stats/series?by=drops has no buckets');
    await page.screenshot({path: path.join(OUT, 'dashboard.png'), fullPage: true});
    summary.dashboard = `${counted} records, ${apiRequests} requests (${invites} INVITE) in 9 charts`;

    // ---- the histogram above search results: the counts of the filters, a click narrows ----------
    await page.goto(`${BASE}/#/search?method=INVITE&since=-1h`);
    await page.waitForSelector('#histogram[data-drawn="1"]');
    const histTotal = Number(await page.getAttribute('#histogram', 'data-total'));
    check(histTotal === invites, `the histogram counts ${histTotal} INVITEs, the statistics ${invites}`);
    const byScan = await api(`/api/v1/search/histogram?method=INVITE&from_user=${encodeURIComponent(user)}&since=-1h`);
    const userInvites = (await api(`/api/v1/search?method=INVITE&from_user=${encodeURIComponent(user)}&since=-1h&limit=1000`)).records.length;
    check(byScan.source === 'scan' && byScan.counts.reduce((a, b) => a + b, 0) === userInvites,
          `histogram by scan: ${byScan.counts.reduce((a, b) => a + b, 0)}, search: ${userInvites}`);
    const bar = await page.$('#histogram-chart');
    const boxOf = await bar.boundingBox();
    // The last bars hold the test's traffic: click near the right end, on the tallest bar.
    await page.evaluate(() => {
      const chart = window.Chart.getChart('histogram-chart');
      const data = chart.data.datasets[0].data;
      const i = data.indexOf(Math.max(...data));
      const el = chart.getDatasetMeta(0).data[i];
      window.__siphonBar = {x: el.x, y: (el.y + el.base) / 2};
    });
    const target = await page.evaluate(() => window.__siphonBar);
    await page.mouse.click(boxOf.x + target.x, boxOf.y + target.y);
    await page.waitForFunction(() => /until=/.test(location.hash));
    summary.histogram = `${histTotal} INVITEs in the histogram; a click narrowed the search to ${decodeURIComponent(await page.evaluate(() => location.hash)).replace(/^.*since=/, 'since=')}`;

    // ---- live tail: a message sent after the page started following shows up --------------------
    if (HEP_PORT) {
      await page.click('nav a[data-route="/search"]');
      await page.click('#follow-button');
      await page.waitForFunction(() => /Waiting/.test(document.getElementById('follow-status')?.textContent || ''));
      await page.waitForTimeout(500);  // the EventSource's request reaches the server
      const liveCallId = `live-${Date.now()}@ui-test`;
      await sendHepSip(HEP_PORT, liveCallId);
      await page.waitForSelector(`#live-results tr[data-call-id="${liveCallId}"]`);
      check(await page.getAttribute('#follow-status', 'data-seen') === '1', 'the live tail counts one new message');
      await page.click('#follow-button');  // stop following
      summary.live = liveCallId;
    }

    // ---- stats page ---------------------------------------------------------------------------
    await page.click('nav a[data-route="/stats"]');
    await page.waitForSelector('#stats-table tr[data-key="received"]');
    const received = await page.textContent('#stats-table tr[data-key="received"] td.num');
    check(Number(received.replace(/,/g, '')) > 0, `stats received = ${received}`);
    await page.waitForFunction(() => /Updated/.test(document.getElementById('stats-updated')?.textContent || ''));
    summary.received = received;

    check(pageErrors.length === 0, `page errors: ${pageErrors.join(' | ')}`);
    check(external.length === 0, `requests outside the server: ${external.join(' ')}`);
  } catch (e) {
    if (page) {
      console.log(`web_ui: at failure: url ${page.url()}; page errors: [${pageErrors.join(' | ')}]; ` +
        `failed requests: [${failedRequests.join(' | ')}]`);
      await page.screenshot({path: path.join(OUT, 'failure.png'), timeout: 5000}).catch(() => {});
    }
    throw e;
  } finally {
    await browser.close();
  }

  console.log(`web_ui: the call page (screenshot ${summary.screenshot}) shows Call-ID ${callId} with ` +
    `${messageCount} message(s) in 1 leg; the ladder has ${summary.columns.length} host columns ` +
    `(${summary.columns.join(' and ')}) and ${summary.labels.length} arrows (${summary.labels.join(', ')}), ` +
    `each with its capture time and delta on the left; the INVITE arrow is selected and the side panel shows ` +
    `"${summary.panelStart}" with its headers and a yellow SDP block whose "${summary.sdpLine}" line is marked; ` +
    `the "Download pcap" button gave ${summary.pcapBytes} bytes in which tshark reads ${summary.tsharkSip} SIP messages; ` +
    `the user search listed ${summary.userRows} row(s) and the stats page counts ${summary.received} received.` +
    (summary.qosRows ? ` The RTCP call's quality table (as tshark reads the packets): ${summary.qosRows.join('; ')}.` : '') +
    ` The dashboard: ${summary.dashboard}. ${summary.histogram}.` + (summary.live ? ` Follow live showed ${summary.live}, sent after it started.` : ''));
}

try {
  await main();
} catch (e) {
  fail(e && e.stack || String(e));
}
if (failures) {
  console.log(`web_ui: ${failures} failure(s)`);
  process.exit(1);
}
console.log('web_ui: browser checks passed');
