// Browser end-to-end: an officer logs in, creates an agency and an official account, imports a
// file, finds the mentions, and watches a new mention arrive on the live dashboard — in
// Indonesian, then in English and on a phone-sized screen. Real server, real SQLite, real Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, newDataDir, addUser, loggedIn, launchBrowser, snap, PASSWORD, WEB_DIR } from './lib.mjs';

let server, chrome, page;

before(async () => {
  const dataDir = newDataDir();
  addUser(dataDir, 'admin', 'admin');
  server = await startServer({ dataDir, args: ['--web-dir', WEB_DIR] });
  chrome = await launchBrowser();
  page = chrome.browser.pages()[0] || (await chrome.browser.newPage());
  page.setDefaultTimeout(15000);
});

after(async () => {
  await chrome?.close();
  await server?.stop();
});

const tid = (id) => `[data-testid="${id}"]`;

async function login(p, username) {
  await p.goto(server.url + '/');
  await p.fill(tid('login-username'), username);
  await p.fill(tid('login-password'), PASSWORD);
  await p.click(tid('login-submit'));
  await p.waitForSelector(tid('nav-dashboard'));
}

test('the login page is in Indonesian and rejects a wrong password', async () => {
  await page.goto(server.url + '/');
  await page.waitForSelector(tid('login-form'));
  assert.match(await page.textContent(tid('login-submit')), /Masuk/);
  await page.fill(tid('login-username'), 'admin');
  await page.fill(tid('login-password'), 'bukan-kata-sandinya');
  await page.click(tid('login-submit'));
  await page.waitForSelector(tid('login-error'));
  assert.ok((await page.textContent(tid('login-error'))).length > 5);
  await snap(page, '01-login-error');
});

test('an admin logs in and sees the dashboard with a live connection', async () => {
  await login(page, 'admin');
  await page.waitForSelector(`${tid('live-indicator')}[data-state="open"]`);
  assert.match(await page.textContent(tid('nav-dashboard')), /Dasbor/);
  await snap(page, '02-dashboard-empty');
});

test('creating an agency validates input and then succeeds', async () => {
  await page.click(tid('nav-agencies'));
  await page.click(tid('agency-create'));
  await page.waitForSelector(tid('agency-form'));
  await page.selectOption(tid('agency-kind'), 'agency');
  await page.selectOption(tid('agency-parent'), { label: 'Pemerintah Daerah' });
  await page.fill(tid('agency-name'), 'Dinas Komunikasi dan Informatika');
  await page.fill(tid('agency-code'), 'Kode Salah!');
  await page.click(tid('form-submit'));
  await page.waitForSelector('[data-testid^="field-error-"]');
  await snap(page, '03-agency-validation');
  await page.fill(tid('agency-code'), 'diskominfo');
  await page.fill(tid('agency-short-name'), 'Diskominfo');
  await page.click(tid('form-submit'));
  await page.waitForURL(/\/directory\/agencies\/\d+$/);
  await page.locator('main').getByText('Dinas Komunikasi dan Informatika').first().waitFor();
});

test('registering an official account with its security checklist', async () => {
  await page.click(tid('nav-accounts'));
  await page.click(tid('account-create'));
  await page.waitForSelector(tid('account-form'));
  const agencyValue = await page.$eval(tid('account-agency'), (sel) =>
    [...sel.options].find((o) => o.textContent.includes('Dinas Komunikasi'))?.value);
  assert.ok(agencyValue, 'the new agency is offered');
  await page.selectOption(tid('account-agency'), agencyValue);
  await page.selectOption(tid('account-platform'), 'instagram');
  await page.selectOption(tid('account-platform-type'), 'media_sharing');
  await page.fill(tid('account-handle'), '@diskominfo_uji');
  await page.fill(tid('account-url'), 'https://instagram.example/diskominfo_uji');
  await page.check(tid('account-two-factor'));
  await page.check(tid('account-recovery'));
  await page.click(tid('form-submit'));
  await page.waitForURL(/\/directory\/agencies\/\d+$/);
  await page.waitForSelector('text=diskominfo_uji');
  await snap(page, '04-agency-with-account');
  await page.click(tid('nav-accounts'));
  await page.waitForSelector(tid('accounts-table-row'));
  assert.match(await page.textContent(tid('accounts-table')), /diskominfo_uji/);
});

test('importing a file stores good lines, lists rejected ones, and search finds them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'humas-e2e-'));
  const file = join(dir, 'ekspor.jsonl');
  const now = new Date().toISOString();
  writeFileSync(file, [
    JSON.stringify({ platform: 'x', external_id: 'e2e-1', author: { handle: 'warga1', name: 'Warga Satu' }, text: 'Banjir di Jalan Ahmad Yani belum surut, mohon info @diskominfo_uji', created_at: now, agency: 'diskominfo', likes: 4 }),
    'ini baris rusak',
    JSON.stringify({ platform: 'facebook', external_id: 'e2e-2', author: { handle: 'warga2' }, text: 'Terima kasih infonya, sangat membantu', created_at: now, agency: 'diskominfo' }),
  ].join('\n') + '\n');
  await page.click(tid('nav-import'));
  await page.setInputFiles(tid('import-file'), file);
  await page.click(tid('import-submit'));
  await page.waitForSelector(tid('import-result'));
  assert.equal((await page.textContent(tid('import-imported'))).trim(), '2');
  assert.equal((await page.textContent(tid('import-rejected'))).trim(), '1');
  assert.match(await page.textContent(tid('import-errors')), /2/);
  // The rejected line reads in Indonesian; the server's English reason is only the small print.
  assert.equal((await page.textContent(tid('import-error-message'))).trim(), 'Baris bukan JSON yang sah');
  assert.equal(await page.getAttribute(tid('import-error-message'), 'data-code'), 'invalid_json');
  assert.match(await page.textContent(tid('import-error-detail')), /^not valid JSON/);
  assert.equal(await page.getAttribute(tid('import-error-detail'), 'lang'), 'en');
  await snap(page, '05-import-result');

  await page.click(tid('nav-mentions'));
  await page.fill(tid('mention-search'), 'banjir');
  await page.click(tid('mention-search-submit'));
  await page.waitForSelector(tid('mention-result'));
  const results = await page.$$(tid('mention-result'));
  assert.equal(results.length, 1);
  assert.match(await results[0].textContent(), /Ahmad Yani/);
  // Labelled at intake by the shipped language models: a sentiment and, here, a complaint.
  assert.ok(await results[0].$(tid('sentiment-badge')), 'sentiment badge');
  assert.match(await (await results[0].$(tid('kind-badge'))).textContent(), /Keluhan/);
  await snap(page, '06-search');
});

test('a new mention appears on the live dashboard without reloading', async () => {
  await page.click(tid('nav-dashboard'));
  await page.waitForSelector(`${tid('live-indicator')}[data-state="open"]`);
  const api = await loggedIn(server.url, 'admin');
  const r = await api.request('POST', '/api/v1/mentions/import', {
    raw: true,
    headers: { 'content-type': 'application/x-ndjson' },
    body: JSON.stringify({ platform: 'instagram', external_id: 'e2e-live-1', author: { handle: 'warga3' }, text: 'Lampu jalan di Kelurahan Sungai mati sejak kemarin', created_at: new Date().toISOString(), agency: 'diskominfo' }),
  });
  assert.equal(r.status, 200, r.text);
  await page.waitForSelector(`${tid('live-item')}:has-text("Lampu jalan di Kelurahan Sungai")`);
  await snap(page, '07-live');
});

test('the audit log shows the writes and its chain verifies', async () => {
  await page.click(tid('nav-audit'));
  await page.waitForSelector(tid('audit-table-row'));
  assert.match(await page.textContent(tid('audit-table')), /agency\.create/);
  await page.click(tid('audit-verify'));
  await page.waitForSelector(`${tid('audit-verify-result')}[data-ok="true"]`);
});

test('the whole interface switches to English', async () => {
  await page.click(tid('nav-dashboard'));
  await page.selectOption(tid('language-select'), 'en');
  await page.waitForFunction(() => document.querySelector('[data-testid="nav-dashboard"]')?.textContent?.includes('Dashboard'));
  assert.match(await page.textContent(tid('nav-agencies')), /Agencies/);
  await page.click(tid('nav-agencies'));
  await page.waitForSelector(tid('agency-create'));
  assert.doesNotMatch(await page.textContent('main'), /Instansi baru|Tambah instansi/);
  await snap(page, '08-english');
  await page.selectOption(tid('language-select'), 'id');
});

test('on a phone the navigation folds into a menu', async () => {
  const phone = await chrome.browser.newPage();
  await phone.setViewportSize({ width: 390, height: 844 });
  // The browser profile is shared, so the admin may still be logged in: log in only if asked.
  await phone.goto(server.url + '/');
  await phone.waitForSelector(`${tid('login-form')}, ${tid('menu-toggle')}`);
  if (await phone.isVisible(tid('login-form'))) await login(phone, 'admin');
  await phone.waitForSelector(tid('menu-toggle'));
  assert.equal(await phone.isVisible(tid('nav-agencies')), false);
  await phone.click(tid('menu-toggle'));
  await phone.waitForSelector(`${tid('nav-agencies')}:visible`);
  await snap(phone, '09-phone-menu');
  await phone.close();
});
