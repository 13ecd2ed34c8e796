// Browser end-to-end for finishing the inbox: handing a case to a colleague chosen from the scoped
// list of the agency's officers; refusing a disposition in a dialog that requires the reason
// ("bukan kewenangan kami" and who is responsible) and sending a reply back through the same kind
// of dialog (no window.prompt); the region's inbox settings page (deadline in calendar or working
// hours, office hours, reminders, approval) with its checks, read-only for a petugas, usable on a
// phone. Real server, real SQLite, real Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, newDataDir, addUser, loggedIn, launchBrowser, snap, PASSWORD, WEB_DIR } from './lib.mjs';

const tid = (id) => `[data-testid="${id}"]`;
let server, chrome, page, admin;
const ids = {};

before(async () => {
  const dataDir = newDataDir();
  addUser(dataDir, 'admin', 'admin');
  // A Telegram bot token makes Telegram replies sendable; with approval required nothing is sent
  // unless a pejabat approves (the API base is a closed local port in case something tried).
  server = await startServer({
    dataDir, args: ['--web-dir', WEB_DIR],
    env: { HUMAS_TELEGRAM_BOT_TOKEN: '123456:TEST', HUMAS_TELEGRAM_API_BASE: 'http://127.0.0.1:9' },
  });
  admin = await loggedIn(server.url, 'admin');
  const region = (await admin.get('/api/v1/agencies?kind=region')).json.items[0];
  ids.region = region.id;
  for (const [code, name] of [['dinkes', 'Dinas Kesehatan'], ['pupr', 'Dinas PUPR']]) {
    const r = await admin.post('/api/v1/agencies', { parent_id: region.id, kind: 'agency', name, code, timezone: 'Asia/Makassar' });
    assert.equal(r.status, 201, r.text);
    ids[code] = r.json.id;
  }
  for (const [username, display_name, role, agency] of [
    ['petugas.dinkes', 'Sari Petugas', 'petugas', ids.dinkes],
    ['rekan.dinkes', 'Budi Rekan', 'petugas', ids.dinkes],
    ['pejabat.dinkes', 'Dewi Pejabat', 'pejabat', ids.dinkes],
    ['petugas.pupr', 'Rina PUPR', 'petugas', ids.pupr],
  ]) {
    const r = await admin.post('/api/v1/users', { username, display_name, password: PASSWORD, roles: [{ role, agency_id: agency }] });
    assert.equal(r.status, 201, r.text);
    ids[username] = r.json.id;
  }
  // A citizen's question on Telegram for Dinkes, and its case.
  const imp = await admin.request('POST', '/api/v1/mentions/import', {
    raw: true, headers: { 'content-type': 'application/x-ndjson' },
    body: JSON.stringify({
      platform: 'telegram', external_id: '-1001234:77', author: { handle: 'warga_berau', name: 'Warga Berau' },
      text: 'Jalan menuju puskesmas Gunung Tabur rusak parah, siapa yang memperbaiki?', created_at: new Date().toISOString(), agency: 'dinkes',
    }) + '\n',
  });
  assert.equal(imp.json.imported, 1, imp.text);
  const mention = (await admin.get('/api/v1/mentions?platform=telegram')).json.items[0];
  const opened = await admin.post('/api/v1/cases', { mention_id: mention.id });
  assert.ok([200, 201].includes(opened.status), opened.text);
  ids.case = opened.json.id;

  chrome = await launchBrowser();
  page = chrome.browser.pages()[0] || (await chrome.browser.newPage());
  page.setDefaultTimeout(15000);
});

after(async () => {
  await chrome?.close();
  await server?.stop();
});

async function login(username) {
  await page.goto(server.url + '/');
  await page.waitForSelector(tid('login-form'));
  await page.fill(tid('login-username'), username);
  await page.fill(tid('login-password'), PASSWORD);
  await page.click(tid('login-submit'));
  await page.waitForSelector(tid('nav-dashboard'), { state: 'attached' });
}
async function logout() {
  await page.click(tid('user-menu'));
  await page.click(tid('logout'));
  await page.waitForSelector(tid('login-form'));
}
const caseNow = async () => (await admin.get(`/api/v1/cases/${ids.case}`)).json.case;

test('a petugas hands the case to a colleague chosen from the agency’s officers', async () => {
  await login('petugas.dinkes');
  await page.goto(`${server.url}/inbox/cases/${ids.case}`);
  await page.waitForSelector(tid('case-assign-select'));
  const options = await page.locator(`${tid('case-assign-select')} option`).allTextContents();
  assert.ok(options.some((o) => /Budi Rekan \(@rekan\.dinkes\) — Petugas Dinas Kesehatan/.test(o)), options.join(' | '));
  assert.ok(options.some((o) => /Dewi Pejabat/.test(o)));
  assert.ok(!options.some((o) => /Rina PUPR/.test(o)));  // another agency's officer is not offered
  assert.equal(await page.isDisabled(tid('case-assign')), true);
  await page.selectOption(tid('case-assign-select'), { label: options.find((o) => /Budi Rekan/.test(o)) });
  await page.click(tid('case-assign'));
  await page.waitForFunction((sel) => /Budi Rekan/.test(document.querySelector(sel)?.textContent ?? ''), tid('case-assignee'));
  assert.equal((await caseNow()).assignee.username, 'rekan.dinkes');
  await snap(page, 'inbox-finishing-01-assigned');
});

test('refusing a disposition needs a reason, given in a dialog', async () => {
  const kase = await caseNow();
  const fwd = await admin.post(`/api/v1/cases/${ids.case}/dispositions`, {
    version: kase.version, to_agency_ids: [ids.pupr], question: 'Mohon jawaban tentang perbaikan jalan menuju puskesmas.',
  });
  assert.equal(fwd.status, 201, fwd.text);
  const dispositionId = fwd.json.items[0].id;
  await logout();
  await login('petugas.pupr');
  await page.click(tid('nav-dispositions'));
  const card = page.locator(`${tid('disposition')}[data-disposition-id="${dispositionId}"]`);
  await card.waitFor();
  await card.locator(tid('disposition-refuse')).click();
  const dialog = page.locator(tid('refusal-dialog'));
  await dialog.waitFor();
  // Focus is in the text; sending it empty says the reason is required and sends nothing.
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'refusal-dialog-text');
  await page.click(tid('refusal-dialog-confirm'));
  await page.waitForSelector(tid('refusal-dialog-required'));
  let stored = (await admin.get('/api/v1/dispositions?box=incoming')).json.items.find((d) => d.id === dispositionId);
  assert.equal(stored.state, 'menunggu');
  // Escape cancels; reopening starts again.
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  await card.locator(tid('disposition-refuse')).click();
  await dialog.waitFor();
  assert.equal(await page.isChecked(tid('refusal-dialog-preset-not_ours')), true);
  // The preset's words are sent in Indonesian in every display language, and the dialog says so.
  assert.match(await page.textContent(tid('refusal-dialog-gloss')), /“Bukan kewenangan kami” selalu dikirim dalam bahasa Indonesia/);
  await page.fill(tid('refusal-dialog-text'), 'Jalan kabupaten ini urusan Dinas PUPR Provinsi, mohon diteruskan ke sana.');
  assert.match(await page.textContent(tid('refusal-dialog-preview')), /Bukan kewenangan kami — Jalan kabupaten ini urusan Dinas PUPR Provinsi/);
  await snap(page, 'inbox-finishing-02-refusal-dialog');
  await page.keyboard.press('Control+Enter');
  await dialog.waitFor({ state: 'detached' });
  // It leaves the waiting list; under "refused" it shows with the reason.
  await card.waitFor({ state: 'detached' });
  await page.selectOption(tid('dispositions-state'), 'ditolak');
  const refused = page.locator(`${tid('disposition')}[data-disposition-id="${dispositionId}"][data-state="ditolak"]`);
  await refused.waitFor();
  assert.match(await refused.locator(tid('disposition-refusal')).textContent(), /Bukan kewenangan kami — Jalan kabupaten/);
  stored = (await admin.get('/api/v1/dispositions?box=incoming&state=ditolak')).json.items.find((d) => d.id === dispositionId);
  assert.equal(stored.refusal_reason, 'Bukan kewenangan kami — Jalan kabupaten ini urusan Dinas PUPR Provinsi, mohon diteruskan ke sana.');
  const audit = (await admin.get('/api/v1/audit?action=disposition.')).json.items;
  assert.ok(audit.some((e) => e.action === 'disposition.refuse' && e.actor === 'petugas.pupr'), JSON.stringify(audit.map((e) => e.action)));
});

test('a pejabat sends a reply back with a reason in a dialog', async () => {
  const settings = (await admin.get(`/api/v1/inbox/settings?region_id=${ids.region}`)).json;
  const { updated_at: _, ...body } = settings;
  const put = await admin.request('PUT', '/api/v1/inbox/settings', { body: { ...body, require_reply_approval: true } });
  assert.equal(put.status, 200, put.text);
  const petugas = await loggedIn(server.url, 'petugas.dinkes');
  const kase = (await petugas.get(`/api/v1/cases/${ids.case}`)).json.case;
  const reply = await petugas.post(`/api/v1/cases/${ids.case}/replies`, {
    text: 'Terima kasih, laporan sudah kami teruskan.', idempotency_key: 'e2e-reject-0001', submit: true, case_version: kase.version,
  });
  assert.equal(reply.status, 201, reply.text);
  assert.equal(reply.json.state, 'awaiting_approval');

  await logout();
  await login('pejabat.dinkes');
  await page.goto(`${server.url}/inbox/cases/${ids.case}`);
  const row = page.locator(`${tid('case-reply')}[data-state="awaiting_approval"]`);
  await row.waitFor();
  await row.locator(tid('reply-reject')).click();
  await page.waitForSelector(tid('reject-dialog'));
  await page.fill(tid('reject-dialog-text'), 'Sebutkan nomor laporan dan perkiraan waktu perbaikan.');
  await page.click(tid('reject-dialog-confirm'));
  await page.waitForSelector(tid('reject-dialog'), { state: 'detached' });
  await page.waitForSelector(`${tid('case-reply')}[data-state="draft"]`);
  const detail = (await admin.get(`/api/v1/cases/${ids.case}`)).json;
  assert.equal(detail.replies[0].state, 'draft');
  assert.equal(detail.replies[0].last_error, 'ditolak: Sebutkan nomor laporan dan perkiraan waktu perbaikan.');
  assert.match(await page.textContent(tid('reply-rejected')), /Dikembalikan pejabat: Sebutkan nomor laporan/);  // the writer sees why
});

test('the region’s inbox settings: checked before saving, saved, linked to holidays; read-only for a petugas', async () => {
  await logout();
  await login('admin');
  await page.click(tid('nav-inbox-settings'));
  await page.waitForSelector(tid('settings-form'));
  assert.equal(await page.inputValue(tid('settings-hours')), '24');
  await page.fill(tid('settings-hours'), '8');
  await page.check(tid('settings-mode-working'));
  await page.check(tid('settings-day-sat-open'));
  await page.fill(tid('settings-day-sat-from'), '08:00');
  await page.fill(tid('settings-day-sat-to'), '12:00');
  // Monday closing before opening: refused here, nothing saved.
  await page.fill(tid('settings-day-mon-to'), '06:00');
  await page.click(tid('settings-save'));
  const problem = page.locator(tid('settings-problem'));
  await problem.waitFor();
  assert.equal(await problem.getAttribute('data-reason'), 'order');
  assert.match(await problem.textContent(), /Senin: jam tutup harus setelah jam buka/);
  assert.equal((await admin.get('/api/v1/inbox/settings')).json.hours, 24);
  await page.fill(tid('settings-day-mon-to'), '16:00');
  // Reminders: drop the first, make the other 2 h 30 min.
  const reminders = page.locator(tid('settings-reminder'));
  assert.equal(await reminders.count(), 2);
  await reminders.nth(0).locator(tid('settings-reminder-remove')).click();
  await reminders.nth(0).locator(tid('settings-reminder-hours')).fill('2');
  await reminders.nth(0).locator(tid('settings-reminder-minutes')).fill('30');
  await page.click(tid('settings-save'));
  await page.waitForSelector(tid('settings-updated'));
  await page.locator(tid('toast')).filter({ hasText: 'Pengaturan disimpan' }).waitFor();
  const saved = (await admin.get('/api/v1/inbox/settings')).json;
  assert.equal(saved.hours, 8);
  assert.equal(saved.mode, 'working');
  assert.deepEqual(saved.reminder_minutes, [150]);
  assert.deepEqual(saved.schedule.sat, ['08:00', '12:00']);
  assert.deepEqual(saved.schedule.mon, ['07:30', '16:00']);
  assert.equal(saved.require_reply_approval, true);
  await snap(page, 'inbox-finishing-03-settings');
  await page.click(tid('settings-holidays-link'));
  await page.waitForSelector(tid('holidays-list'));

  // A petugas reads the settings but cannot change them; on a phone nothing overflows sideways.
  await logout();
  await page.setViewportSize({ width: 390, height: 844 });
  await login('petugas.dinkes');
  await page.goto(`${server.url}/inbox/settings`);
  await page.waitForSelector(tid('settings-readonly'));
  assert.equal(await page.locator(tid('settings-save')).count(), 0);
  assert.equal(await page.isDisabled(tid('settings-hours')), true);
  assert.equal(await page.inputValue(tid('settings-hours')), '8');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone`);
  await snap(page, 'inbox-finishing-04-settings-phone');
  await page.setViewportSize({ width: 1366, height: 900 });
});
