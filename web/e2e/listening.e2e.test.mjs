// Browser end-to-end: an officer writes an agency query, sees the parse error marked at its
// position, fixes it, sees the live preview over stored mentions, saves it, then watches the live
// stream filtered by that query while a newly imported matching mention arrives (and a
// non-matching one does not show). Real server, real SQLite, real Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, newDataDir, addUser, loggedIn, launchBrowser, snap, WEB_DIR } from './lib.mjs';

let server, chrome, page, api;
const tid = (id) => `[data-testid="${id}"]`;
const jsonl = (rows) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
const mention = (id, text, minutesAgo = 5) => ({
  platform: 'x', external_id: id, author: { handle: 'warga_' + id, name: 'Warga ' + id }, text,
  created_at: new Date(Date.now() - minutesAgo * 60000).toISOString(),
});
const importRows = (rows) => api.request('POST', '/api/v1/mentions/import', { body: jsonl(rows), raw: true, headers: { 'content-type': 'application/x-ndjson' } });

before(async () => {
  const dataDir = newDataDir();
  addUser(dataDir, 'admin', 'admin');
  server = await startServer({ dataDir, args: ['--web-dir', WEB_DIR] });
  api = await loggedIn(server.url, 'admin');
  const r = await importRows([
    mention('lama1', 'Banjir setinggi lutut di Berau pagi tadi', 60),
    mention('lama2', 'Jalan berlubang dekat pasar', 50),
  ]);
  assert.equal(r.json.imported, 2, r.text);
  chrome = await launchBrowser();
  page = chrome.browser.pages()[0] || (await chrome.browser.newPage());
  page.setDefaultTimeout(15000);
});

after(async () => {
  await chrome?.close();
  await server?.stop();
});

test('an officer writes a query with a live preview, fixes a parse error and saves it', async () => {
  await page.goto(server.url + '/');
  await page.waitForSelector(tid('login-form'));
  await page.fill(tid('login-username'), 'admin');
  await page.fill(tid('login-password'), 'kata-sandi-uji-123');
  await page.click(tid('login-submit'));
  await page.waitForSelector(tid('nav-queries'));
  await page.click(tid('nav-queries'));
  await page.waitForSelector(tid('query-form'));
  await page.selectOption(tid('query-agency'), { label: 'Pemerintah Daerah' });
  await page.fill(tid('query-name'), 'Banjir Berau');

  // An unclosed parenthesis: the error is translated and marked where it is.
  await page.fill(tid('query-expression'), '(banjir OR longsor berau');
  const err = page.locator(tid('query-expression-error'));
  await err.waitFor();
  assert.equal(await err.getAttribute('data-reason'), 'unclosed_paren');
  assert.equal(await err.getAttribute('data-position'), '0');
  assert.match(await err.textContent(), /Karakter ke-1: kurung buka ini belum ditutup/);
  assert.equal(await page.textContent(tid('query-expression-mark')), '(');
  await snap(page, 'listening-01-parse-error');

  // Fixed: the preview shows the stored mention it would have matched (and not the other one).
  await page.fill(tid('query-expression'), '(banjir OR longsor) berau');
  await page.waitForSelector(`${tid('query-preview-count')}[data-count="1"]`);
  assert.equal(await page.locator(tid('query-expression-error')).count(), 0);
  assert.match(await page.textContent(tid('query-preview')), /setinggi lutut/);
  assert.doesNotMatch(await page.textContent(tid('query-preview')), /berlubang/);
  await snap(page, 'listening-02-preview');

  await page.click(tid('query-save'));
  await page.locator(tid('query-item')).filter({ hasText: 'Banjir Berau' }).waitFor();
  assert.match(await page.textContent(tid('query-list')), /\(banjir OR longsor\) berau/);
  const stored = (await api.get('/api/v1/queries')).json;
  assert.equal(stored.total, 1);
  assert.equal(stored.items[0].expression, '(banjir OR longsor) berau');
});

test('the live stream filtered by the query shows a newly imported matching mention', async () => {
  await page.click(tid('nav-stream'));
  await page.waitForSelector(`${tid('stream-state')}[data-state="open"]`);
  await page.selectOption(tid('stream-query'), { label: 'Banjir Berau — Pemerintah Daerah' });
  const r = await importRows([
    mention('baru1', 'Warga melaporkan jalan rusak di Tanjung Redeb', 1),
    mention('baru2', 'Longsor menutup jalan poros di Berau', 1),
  ]);
  assert.equal(r.json.imported, 2, r.text);
  const item = page.locator(tid('stream-item')).filter({ hasText: 'Longsor menutup jalan poros' });
  await item.waitFor();
  // Both arrived on the stream; only the matching one is shown under this filter.
  await page.waitForFunction((sel) => /1 ditampilkan dari 2 yang diterima/.test(document.querySelector(sel)?.textContent ?? ''), tid('stream-count'));
  assert.equal(await page.locator(tid('stream-item')).count(), 1);
  assert.match(await page.textContent(tid('stream-list')), /Cocok dengan kueri: Banjir Berau/);
  await snap(page, 'listening-03-stream');
  // Clearing the filter shows the other one too.
  await page.selectOption(tid('stream-query'), { label: 'Semua percakapan' });
  await page.locator(tid('stream-item')).filter({ hasText: 'Tanjung Redeb' }).waitFor();
});

test('an empty or over-long expression is refused with a translated reason; nothing is saved', async () => {
  await page.click(tid('nav-queries'));
  await page.click(tid('query-new'));
  await page.selectOption(tid('query-agency'), { label: 'Pemerintah Daerah' });
  await page.fill(tid('query-name'), 'Terlalu panjang');
  // Over 2,000 bytes: the preview says why in Indonesian and marks where the limit falls.
  await page.fill(tid('query-expression'), 'banjir '.repeat(300));
  const err = page.locator(tid('query-expression-error'));
  await page.waitForSelector(`${tid('query-expression-error')}[data-reason="too_long"]`);
  assert.equal(await err.getAttribute('data-position'), '2000');
  assert.match(await err.textContent(), /Karakter ke-2001: ekspresi terlalu panjang/);
  await page.click(tid('query-save'));
  await page.waitForSelector(`${tid('query-expression-error')}[data-reason="too_long"]`);
  // Saved empty: the reason is translated too, not the server's English.
  await page.fill(tid('query-expression'), '');
  await page.click(tid('query-save'));
  await page.waitForSelector(`${tid('query-expression-error')}[data-reason="empty"]`);
  assert.match(await err.textContent(), /ekspresi masih kosong/);
  assert.doesNotMatch(await page.textContent(tid('query-form')), /required|at most/);
  const stored = (await api.get('/api/v1/queries')).json;
  assert.equal(stored.total, 1, 'only the query saved earlier');
});
