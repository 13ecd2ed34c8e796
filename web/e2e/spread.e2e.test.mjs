// Browser end-to-end: a petugas opens a mention from the search list, sees its share cascade and
// its author's segment, and corrects its sentiment; the correction shows in the history and the
// stored label. Then the top-authors page ranks the authors. Real server, SQLite and Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, newDataDir, addUser, loggedIn, launchBrowser, snap, PASSWORD, WEB_DIR } from './lib.mjs';

let server, chrome, page, admin;
const tid = (id) => `[data-testid="${id}"]`;
const now = Date.now();
const iso = (minutesAgo) => new Date(now - minutesAgo * 60000).toISOString();
const line = (o) => JSON.stringify({ platform: 'x', agency: 'dinkes', ...o });

before(async () => {
  const dataDir = newDataDir();
  addUser(dataDir, 'admin', 'admin');
  server = await startServer({ dataDir, args: ['--web-dir', WEB_DIR] });
  admin = await loggedIn(server.url, 'admin');
  const region = (await admin.get('/api/v1/agencies?kind=region')).json.items[0];
  const dinkes = await admin.post('/api/v1/agencies', { kind: 'agency', parent_id: region.id, name: 'Dinas Kesehatan', code: 'dinkes' });
  assert.equal(dinkes.status, 201, dinkes.text);
  const u = await admin.post('/api/v1/users', { username: 'petugas1', display_name: 'Petugas Satu', password: PASSWORD, roles: [{ role: 'petugas', agency_id: dinkes.json.id }] });
  assert.equal(u.status, 201, u.text);
  // A post, two shares of it, and a reply to one share; the reply arrives first.
  const body = [
    line({ external_id: 'e3', author: { handle: 'rina_kritis' }, text: 'antrean tetap lama, tidak ada perubahan', created_at: iso(5), in_reply_to: 'e1' }),
    line({ external_id: 'e0', author: { handle: 'dinkes_berau', followers: 4200 }, text: 'Pendaftaran puskesmas kini bisa lewat aplikasi #BerauSehat', created_at: iso(60), likes: 40 }),
    line({ external_id: 'e1', author: { handle: 'budi_share', followers: 300 }, text: 'info penting nih', created_at: iso(30), shared_from: 'e0', kind: 'share' }),
    line({ external_id: 'e2', author: { handle: 'sari.w' }, text: 'sip', created_at: iso(20), shared_from: 'e0', kind: 'share' }),
  ].join('\n');
  const r = await admin.request('POST', '/api/v1/mentions/import', { body, raw: true, headers: { 'content-type': 'application/x-ndjson' } });
  assert.equal(r.json.imported, 4, r.text);
  chrome = await launchBrowser();
  page = chrome.browser.pages()[0] || (await chrome.browser.newPage());
  page.setDefaultTimeout(15000);
});

after(async () => {
  await chrome?.close();
  await server?.stop();
});

test('a petugas opens a mention from the list, sees its cascade and corrects its sentiment', async () => {
  await page.goto(server.url + '/');
  await page.waitForSelector(tid('login-form'));
  await page.fill(tid('login-username'), 'petugas1');
  await page.fill(tid('login-password'), PASSWORD);
  await page.click(tid('login-submit'));
  await page.waitForSelector(tid('nav-dashboard'));

  await page.click(tid('nav-mentions'));
  await page.fill(tid('mention-search'), 'antrean');
  await page.click(tid('mention-search-submit'));
  const result = page.locator(tid('mention-result')).filter({ hasText: 'antrean tetap lama' });
  await result.locator(tid('mention-detail-link')).click();
  await page.waitForSelector(tid('mention-detail'));

  // The cascade assembled although the reply came before its parents.
  await page.waitForSelector(tid('cascade'));
  assert.equal((await page.textContent(tid('cascade-size'))).trim(), '4');
  assert.equal((await page.textContent(tid('cascade-depth'))).trim(), '2');
  assert.equal((await page.textContent(tid('cascade-authors'))).trim(), '4');
  assert.equal((await page.textContent(tid('cascade-reach'))).trim(), '4.500');
  assert.equal(await page.locator(tid('cascade-node')).count(), 4);
  assert.match(await page.locator(tid('cascade-node')).first().textContent(), /dinkes_berau/);
  assert.equal(await page.locator(`${tid('cascade-node')}[data-current="true"]`).count(), 1);
  assert.ok(await page.locator(`${tid('cascade')} ${tid('chart')}`).isVisible());

  // The author panel: one reply, so a critic, with the rule and the unobservable segments.
  await page.waitForSelector(tid('author-panel'));
  assert.match(await page.textContent(tid('author-segment')), /Kritikus/);
  assert.match(await page.textContent(tid('author-rule')), /menanggapi/);
  assert.match(await page.textContent(tid('author-unobservable')), /Penonton/);

  // Correct the sentiment the language engine gave (shown with its confidence) to another value.
  const shown = await page.textContent(tid('label-sentiment'));
  assert.match(shown, /keyakinan \d+\s?%|Belum dilabeli/);
  const [target, targetText] = /Negatif/.test(shown) ? ['positive', 'Positif'] : ['negative', 'Negatif'];
  await page.selectOption(tid('correction-task'), 'sentiment');
  await page.selectOption(tid('correction-value'), target);
  await page.fill(tid('correction-note'), 'dibaca petugas');
  await snap(page, 'spread-01-mention-detail');
  await page.click(tid('correction-submit'));
  await page.waitForSelector(tid('correction-row'));
  assert.match(await page.textContent(tid('correction-history')), new RegExp(`→ ${targetText}`));
  assert.match(await page.textContent(tid('correction-history')), /petugas1/);
  assert.match(await page.textContent(tid('label-sentiment')), new RegExp(`${targetText} keyakinan 100`));
  // The choice just made is no longer offered.
  assert.equal(await page.locator(`${tid('correction-value')} option[value="${target}"]`).count(), 0);

  // Stored on the server, with the history.
  const ext = (await admin.get('/api/v1/mentions?q=antrean')).json.items.find((m) => m.external_id === 'e3');
  assert.equal(ext.labels.sentiment, target);
  const corr = await admin.get(`/api/v1/mentions/${ext.id}/corrections`);
  assert.equal(corr.json.items[0].username, 'petugas1');
  assert.equal(corr.json.items[0].note, 'dibaca petugas');
  assert.equal(corr.json.items[0].new_value, target);
});

test('the top-authors page ranks by influence and opens an author profile', async () => {
  await page.click(tid('nav-authors'));
  await page.waitForSelector(tid('top-authors-row'));
  const first = page.locator(tid('top-authors-row')).first();
  assert.match(await first.textContent(), /dinkes_berau/);
  await page.fill(tid('top-authors-topic'), 'bad tag!');
  await page.click(tid('top-authors-submit'));
  await page.waitForSelector(tid('field-error-top-topic'));
  await page.fill(tid('top-authors-topic'), '#BerauSehat');
  await page.click(tid('top-authors-submit'));
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="top-authors-row"]').length === 1);
  await snap(page, 'spread-02-top-authors');
  await page.locator(tid('top-authors-row')).first().locator('a').click();
  await page.waitForSelector(tid('author-page'));
  await page.waitForSelector(tid('author-evidence'));
  assert.match(await page.textContent(tid('author-evidence')), /4\.200/);
});

test('a copy-paste campaign is flagged at intake: the detail shows the original, the stream can hide copies', async () => {
  const campaign = 'Tolak kenaikan tarif air PDAM, warga Berau sudah susah jangan dibebani lagi #TolakTarifPDAM';
  const body = [
    line({ external_id: 'c0', author: { handle: 'penggerak' }, text: campaign, created_at: iso(50) }),
    line({ external_id: 'c1', author: { handle: 'warga_a' }, text: campaign.toUpperCase(), created_at: iso(40) }),
    line({ external_id: 'c2', author: { handle: 'warga_b' }, text: campaign.replace('sudah susah', 'sudah sangat susah') + ' @bupati', created_at: iso(30) }),
    line({ external_id: 'c3', author: { handle: 'warga_c' }, text: 'Air PDAM di Tanjung Redeb keruh lagi sejak kemarin sore, mohon dicek', created_at: iso(20) }),
  ].join('\n');
  const r = await admin.request('POST', '/api/v1/mentions/import', { body, raw: true, headers: { 'content-type': 'application/x-ndjson' } });
  assert.equal(r.json.imported, 4, r.text);
  const byExt = Object.fromEntries((await admin.get('/api/v1/mentions?q=PDAM')).json.items.map((m) => [m.external_id, m]));

  // The edited copy names its original, with the similarity; the original lists its copies.
  await page.goto(`${server.url}/mentions/${byExt.c2.id}`);
  await page.waitForSelector(tid('near-duplicate-of'));
  assert.match(await page.textContent(tid('near-duplicate-similarity')), /kemiripan \d+\s?%/);
  await snap(page, 'spread-03-near-duplicate');
  await page.click(tid('near-duplicate-first'));
  await page.waitForURL(`**/mentions/${byExt.c0.id}`);
  await page.waitForSelector(tid('near-duplicate-count'));
  assert.match(await page.textContent(tid('near-duplicate-count')), /: 2$/);
  await page.waitForSelector(tid('near-duplicate-item'));
  assert.equal(await page.locator(tid('near-duplicate-item')).count(), 2);
  assert.match(await page.textContent(tid('near-duplicate-list')), /warga_a/);
  // Another text on the same subject is no copy.
  await page.goto(`${server.url}/mentions/${byExt.c3.id}`);
  await page.waitForSelector(tid('near-duplicates'));
  assert.match(await page.textContent(tid('near-duplicates')), /Tidak ada percakapan lain/);

  // The live stream: with "hide near-duplicates" ticked, a new copy does not show, a new text does.
  await page.goto(`${server.url}/listening/stream`);
  await page.waitForSelector(`${tid('stream-state')}[data-state="open"]`);
  await page.check(tid('stream-hide-near-dup'));
  const live = [
    line({ external_id: 'c4', author: { handle: 'warga_d' }, text: campaign + ' setuju', created_at: iso(1) }),
    line({ external_id: 'c5', author: { handle: 'warga_e' }, text: 'Pipa PDAM bocor di depan SD 003 Tanjung Redeb, air terbuang sejak pagi', created_at: iso(1) }),
  ].join('\n');
  const r2 = await admin.request('POST', '/api/v1/mentions/import', { body: live, raw: true, headers: { 'content-type': 'application/x-ndjson' } });
  assert.equal(r2.json.imported, 2, r2.text);
  await page.waitForSelector(tid('stream-item'));
  assert.equal(await page.locator(tid('stream-item')).count(), 1);
  assert.match(await page.textContent(tid('stream-list')), /Pipa PDAM bocor/);
  await page.uncheck(tid('stream-hide-near-dup'));
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="stream-item"]').length === 2);
  assert.match(await page.textContent(tid('stream-near-dup')), /Hampir sama/);
});
