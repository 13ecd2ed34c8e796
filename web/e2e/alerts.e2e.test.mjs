// Browser end-to-end: listening alerts. A pejabat sees the top-bar badge count the open alerts live
// (ringed while unseen), opens one from the bell's notification (its page), opens the alerts page
// (the ring clears, the count stays until someone follows them up), watches a second alert appear live on the page,
// follows its evidence link to the mentions of the burst, follows an alert up and closes it with a
// note, opens an alert message's evidence link in a browser that is not signed in (login, then the
// burst), and changes the agency's thresholds (a bad Telegram chat id is refused beside the field).
// Real server, real SQLite, real Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, newDataDir, addUser, loggedIn, launchBrowser, login, logout, snap, WEB_DIR, PASSWORD } from './lib.mjs';

const WEEK = 7 * 24 * 3600e3;
let server, chrome, page, admin, dinkes;
const tid = (id) => `[data-testid="${id}"]`;
const jsonl = (rows) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
const importRows = (rows) => admin.request('POST', '/api/v1/mentions/import', { body: jsonl(rows), raw: true, headers: { 'content-type': 'application/x-ndjson' } });

/** A query with five weeks of quiet history, then `n` matching mentions a minute ago. */
async function burst(name, word, n) {
  const q = await admin.post('/api/v1/queries', { agency_id: dinkes.id, name, expression: word });
  assert.equal(q.status, 201, q.text);
  const rows = [{ platform: 'x', external_id: `${word}-old`, author: { handle: 'warga' }, text: `${word} kecil`, created_at: new Date(Date.now() - 5 * WEEK).toISOString(), agency: 'dinkes' }];
  for (let i = 0; i < n; i++) {
    rows.push({ platform: 'x', external_id: `${word}-${i}`, author: { handle: `warga${i}` }, text: `${word} lagi nomor ${i}`, created_at: new Date(Date.now() - 60e3).toISOString(), agency: 'dinkes' });
  }
  const r = await importRows(rows);
  assert.equal(r.json.imported, n + 1, r.text);
  return q.json;
}

before(async () => {
  const dataDir = newDataDir();
  addUser(dataDir, 'admin', 'admin');
  server = await startServer({ dataDir, args: ['--web-dir', WEB_DIR] });
  admin = await loggedIn(server.url, 'admin');
  const region = (await admin.get('/api/v1/agencies?kind=region')).json.items[0];
  dinkes = (await admin.post('/api/v1/agencies', { kind: 'agency', parent_id: region.id, name: 'Dinas Kesehatan', code: 'dinkes' })).json;
  const u = await admin.post('/api/v1/users', { username: 'pejabat_dinkes', display_name: 'Pejabat Dinkes', password: PASSWORD, roles: [{ role: 'pejabat', agency_id: dinkes.id }] });
  assert.equal(u.status, 201, u.text);
  chrome = await launchBrowser();
  page = chrome.browser.pages()[0] || (await chrome.browser.newPage());
  page.setDefaultTimeout(15000);
});

after(async () => {
  await chrome?.close();
  await server?.stop();
});

test('the badge counts open alerts live; the bell opens the alert; the alerts page clears the ring', async () => {
  await login(page, server.url, 'pejabat_dinkes', PASSWORD);
  await page.waitForSelector(`${tid('alerts-badge')}[data-live="open"]`);
  assert.equal(await page.locator(tid('alerts-open')).count(), 0);

  await burst('Banjir', 'banjir', 30);
  const ev = await admin.post('/api/v1/alerts/evaluate', {});
  assert.ok(ev.json.opened >= 1, ev.text);
  // The query's spike and the agency topic's spike (and negative surges if the language model
  // reads the burst as negative), without reloading the page; all unseen.
  await page.waitForSelector(tid('alerts-open'));
  const open = (await admin.get('/api/v1/alerts?state=open')).json.total;
  assert.ok(open >= 1 && open <= 4, String(open));
  await page.waitForFunction(([sel, n]) => document.querySelector(sel)?.textContent === String(n), [tid('alerts-open'), open]);
  assert.equal(await page.getAttribute(tid('alerts-open'), 'data-unseen'), String(open));
  assert.match(await page.getAttribute(tid('alerts-badge'), 'aria-label'), new RegExp(`Peringatan terbuka: ${open} \\(${open} baru`));
  await snap(page, 'alerts-01-badge');

  // The bell's notification about the query's spike opens that alert's page.
  const spike = (await admin.get('/api/v1/alerts?state=open&kind=spike')).json.items.find((a) => a.query_name === 'Banjir');
  assert.ok(spike);
  await page.click(tid('notifications-bell'));
  const note = page.locator(`${tid('notification')}[data-alert-id="${spike.id}"]`);
  await note.waitFor();
  assert.equal(await note.getAttribute('data-kind'), 'alert');
  await note.click();
  await page.waitForSelector(`${tid('alert-detail')} ${tid('alert-item')}[data-alert-id="${spike.id}"]`);
  assert.equal(new URL(page.url()).pathname, `/alerts/${spike.id}`);

  // The alerts page: everything seen (no ring), still open (the count stays).
  await page.click(tid('alerts-badge'));
  await page.waitForSelector(tid('alerts-list'));
  assert.match(await page.textContent(tid('alerts-list')), /Banjir/);
  assert.match(await page.textContent(tid('alerts-list')), /Lonjakan percakapan/);
  await page.waitForSelector(`${tid('alerts-open')}[data-unseen="0"]`);
  assert.equal(await page.textContent(tid('alerts-open')), String(open));
});

test('a new alert appears live on the alerts page and its evidence link finds the burst', async () => {
  await page.waitForSelector(`${tid('alerts-live')}[data-state="open"]`);
  const before = await page.locator(tid('alert-item')).count();
  const openBefore = Number(await page.textContent(tid('alerts-open')));
  const q = await burst('Jalan rusak', 'jalan', 25);
  const ev = await admin.post('/api/v1/alerts/evaluate', {});
  assert.ok(ev.json.opened >= 1, ev.text);
  const item = page.locator(`${tid('alert-item')}[data-kind="spike"]`).filter({ hasText: 'Jalan rusak' });
  await item.waitFor();
  assert.ok((await page.locator(tid('alert-item')).count()) > before);
  assert.equal(await item.getAttribute('data-state'), 'open');
  assert.match(await item.locator(tid('alert-figures')).textContent(), /25 sebutan dalam satu jam/);
  // Seen while the page was open: no ring; one more open alert (or more) in the count.
  await page.waitForFunction(([sel, n]) => Number(document.querySelector(sel)?.textContent) > n, [tid('alerts-open'), openBefore]);
  assert.equal(await page.getAttribute(tid('alerts-open'), 'data-unseen'), '0');
  await snap(page, 'alerts-02-live');

  await item.locator(tid('alert-evidence')).click();
  await page.waitForSelector(tid('mention-window'));
  assert.match(page.url(), new RegExp(`/mentions\\?.*query_id=${q.id}`));
  await page.waitForFunction((sel) => /25/.test(document.querySelector(sel)?.textContent || ''), tid('mention-results-count'));
  assert.equal(await page.locator(tid('mention-result')).count(), 20); // first page of 25
  assert.match(await page.textContent(tid('mention-results')), /jalan lagi nomor/);
  await snap(page, 'alerts-03-evidence');
});

test('the officer follows an alert up, then closes it with a note; it leaves the active list', async () => {
  await page.goto(server.url + '/alerts');
  await page.waitForSelector(`${tid('alerts-live')}[data-state="open"]`);
  const item = page.locator(`${tid('alert-item')}[data-kind="spike"]`).filter({ hasText: 'Banjir' });
  await item.waitFor();
  const id = Number(await item.getAttribute('data-alert-id'));
  assert.equal(await item.getAttribute('data-state'), 'open');
  const openBefore = Number(await page.textContent(tid('alerts-count-open')));
  assert.ok(openBefore >= 1);

  await item.locator(tid('alert-acknowledge')).click();
  await page.waitForSelector(`${tid('alert-item')}[data-alert-id="${id}"][data-state="acknowledged"]`);
  assert.match(await item.locator(tid('alert-acknowledged-by')).textContent(), /Ditindaklanjuti oleh Pejabat Dinkes/);
  assert.match(await item.locator(tid('alert-state')).textContent(), /Ditindaklanjuti/);
  assert.equal(await item.locator(tid('alert-acknowledge')).count(), 0);
  await page.waitForFunction(([sel, n]) => Number(document.querySelector(sel)?.textContent) === n, [tid('alerts-count-open'), openBefore - 1]);
  // The top-bar badge counts only the open ones: one less, live.
  await page.waitForFunction(([sel, n]) => Number(document.querySelector(sel)?.textContent || 0) === n, [tid('alerts-open'), openBefore - 1]);
  assert.equal(await page.textContent(tid('alerts-count-acknowledged')), '1');
  await snap(page, 'alerts-05-acknowledged');

  // Closing asks what was done; an empty note is refused in the dialog and changes nothing.
  await item.locator(tid('alert-close')).click();
  await page.waitForSelector(tid('alert-close-dialog'));
  await page.click(tid('alert-close-confirm'));
  await page.waitForSelector(tid('alert-close-required'));
  assert.equal((await admin.get(`/api/v1/alerts/${id}`)).json.state, 'acknowledged');
  await page.fill(tid('alert-close-note'), 'Klarifikasi banjir diunggah di akun resmi Dinkes.');
  await snap(page, 'alerts-06-close-dialog');
  await page.click(tid('alert-close-confirm'));
  await page.waitForSelector(tid('alert-close-dialog'), { state: 'detached' });
  await page.waitForSelector(`${tid('alert-item')}[data-alert-id="${id}"]`, { state: 'detached' }); // left the active list
  const stored = (await admin.get(`/api/v1/alerts/${id}`)).json;
  assert.equal(stored.state, 'closed');
  assert.equal(stored.closed_by.display_name, 'Pejabat Dinkes');
  assert.equal(stored.close_note, 'Klarifikasi banjir diunggah di akun resmi Dinkes.');

  await page.click(tid('alerts-tab-closed'));
  const closed = page.locator(`${tid('alert-item')}[data-alert-id="${id}"]`);
  await closed.waitFor();
  assert.equal(await closed.getAttribute('data-state'), 'closed');
  assert.match(await closed.locator(tid('alert-closed-by')).textContent(), /Ditutup oleh Pejabat Dinkes/);
  assert.equal(await closed.locator(tid('alert-close-note-text')).textContent(), 'Klarifikasi banjir diunggah di akun resmi Dinkes.');
  assert.equal(await closed.locator(tid('alert-close')).count(), 0);
  await snap(page, 'alerts-07-closed');
});

test('the links of an alert message open the burst after signing in, and the alert to follow it up', async () => {
  // The link as the e-mail and the Telegram message carry it (public_url + evidence_url), opened in
  // a browser that is not signed in.
  const alert = (await admin.get('/api/v1/alerts?state=active&kind=spike')).json.items.find((a) => a.query_name === 'Jalan rusak');
  assert.ok(alert);
  await logout(page);
  await page.goto(server.url + alert.evidence_url);
  await page.waitForSelector(tid('login-form'));
  await page.fill(tid('login-username'), 'pejabat_dinkes');
  await page.fill(tid('login-password'), PASSWORD);
  await page.click(tid('login-submit'));
  await page.waitForSelector(tid('mention-window'));
  assert.match(page.url(), new RegExp(`/mentions\\?.*query_id=${alert.query_id}`));
  await page.waitForFunction((sel) => /25/.test(document.querySelector(sel)?.textContent || ''), tid('mention-results-count'));
  assert.match(await page.textContent(tid('mention-results')), /jalan lagi nomor/);

  // The message's other link, the alert's own page: followed up from there.
  await page.goto(`${server.url}/alerts/${alert.id}`);
  await page.waitForSelector(`${tid('alert-detail')} ${tid('alert-item')}[data-state="open"]`);
  assert.match(await page.textContent(tid('alert-title')), /Jalan rusak/);
  await page.click(tid('alert-acknowledge'));
  await page.waitForSelector(`${tid('alert-detail')} ${tid('alert-item')}[data-state="acknowledged"]`);
  assert.equal((await admin.get(`/api/v1/alerts/${alert.id}`)).json.acknowledged_by.display_name, 'Pejabat Dinkes');
  await snap(page, 'alerts-08-detail');
});

test('the pejabat changes the thresholds; a bad Telegram chat id is refused beside the field', async () => {
  await page.goto(server.url + '/alerts/settings');
  await page.waitForSelector(tid('alert-settings-form'));
  await page.selectOption(tid('alert-settings-agency'), { value: String(dinkes.id) });
  await page.waitForSelector(tid('alert-setting-spike_score'));
  assert.equal(await page.inputValue(tid('alert-setting-spike_score')), '4');
  await page.fill(tid('alert-setting-spike_score'), '6');
  await page.fill(tid('alert-setting-telegram_chat_id'), '@grup_dinkes');
  await page.click(tid('form-submit'));
  await page.waitForSelector(tid('field-error-alert-setting-telegram_chat_id'));
  assert.equal((await admin.get(`/api/v1/alert-settings/${dinkes.id}`)).json.version, 0);

  await page.fill(tid('alert-setting-telegram_chat_id'), '-1001234567890');
  await page.click(tid('form-submit'));
  await page.waitForSelector(tid('toast'));
  const saved = (await admin.get(`/api/v1/alert-settings/${dinkes.id}`)).json;
  assert.equal(saved.version, 1);
  assert.equal(saved.spike_score, 6);
  assert.equal(saved.telegram_chat_id, '-1001234567890');
  await snap(page, 'alerts-04-settings');
});
