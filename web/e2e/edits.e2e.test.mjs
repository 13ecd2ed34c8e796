// Browser end-to-end: a Telegram message and its edit arrive by the agency's webhook connector
// (the official guide's update shapes, ../shared/fixtures/telegram-bot); a petugas opens the
// mention and sees the newest text, the "diedit" badge and what was written first. Then an edit
// reaches pages already open (live stream, mention.edited): the stream item changes in place with
// "diedit", and an open mention detail shows the new text and history without a reload. Real
// server, SQLite and Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startServer, newDataDir, addUser, loggedIn, launchBrowser, login, snap, PASSWORD, ROOT, WEB_DIR } from './lib.mjs';

const SHARED = process.env.HUMAS_SHARED || resolve(ROOT, '..', 'shared');
const update = (name) =>
  JSON.parse(readFileSync(join(SHARED, 'fixtures/telegram-bot/official-webhook-guide', name), 'utf8'));
const SECRET = 'Dinkes_Bot_Secret_9';
const FIRST = 'Jalan Poros rusak parah, mohon segera diperbaiki';
let server, chrome, page, mentionId, hook;
const tid = (id) => `[data-testid="${id}"]`;

before(async () => {
  const dataDir = newDataDir();
  addUser(dataDir, 'admin', 'admin');
  server = await startServer({ dataDir, args: ['--web-dir', WEB_DIR] });
  const admin = await loggedIn(server.url, 'admin');
  const region = (await admin.get('/api/v1/agencies?kind=region')).json.items[0];
  const dinkes = await admin.post('/api/v1/agencies', { kind: 'agency', parent_id: region.id, name: 'Dinas Kesehatan', code: 'dinkes' });
  assert.equal(dinkes.status, 201, dinkes.text);
  const u = await admin.post('/api/v1/users', { username: 'petugas1', display_name: 'Petugas Satu', password: PASSWORD, roles: [{ role: 'petugas', agency_id: dinkes.json.id }] });
  assert.equal(u.status, 201, u.text);
  const c = await admin.post('/api/v1/connectors', {
    agency_id: dinkes.json.id, name: 'Bot Dinkes', platform: 'telegram', settings: { webhook: 'telegram' }, credentials: { secret_token: SECRET },
  });
  assert.equal(c.status, 201, c.text);
  hook = (body) => fetch(`${server.url}/hooks/telegram/${c.json.id}`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET }, body: JSON.stringify(body),
  });
  const original = update('01_message_text_minimal.json');
  original.message.text = FIRST;
  const edited = update('06_edited_message.json');
  edited.update_id = 10001;
  edited.edited_message.text = 'Jalan Poros sudah diperbaiki, terima kasih Dinkes';
  assert.equal((await hook(original)).status, 200);
  for (let i = 0; i < 80 && !mentionId; i++) {
    const r = await admin.get('/api/v1/mentions?platform=telegram');
    mentionId = r.json.items[0]?.id;
    if (!mentionId) await new Promise((res) => setTimeout(res, 250));
  }
  assert.ok(mentionId);
  assert.equal((await hook(edited)).status, 200);
  for (let i = 0; i < 80; i++) {
    if ((await admin.get(`/api/v1/mentions/${mentionId}`)).json.edits?.length === 1) break;
    await new Promise((res) => setTimeout(res, 250));
  }
  chrome = await launchBrowser();
  page = chrome.browser.pages()[0] || (await chrome.browser.newPage());
  page.setDefaultTimeout(15000);
});

after(async () => {
  await chrome?.close();
  await server?.stop();
});

test('the mention detail shows the newest text, "diedit" and the first text', async () => {
  await login(page, server.url, 'petugas1');
  await page.goto(`${server.url}/mentions/${mentionId}`);
  await page.waitForSelector(tid('mention-edits'));
  await snap(page, 'edits-detail');
  assert.match(await page.textContent(tid('mention-detail')), /sudah diperbaiki, terima kasih Dinkes/);
  assert.equal((await page.textContent(tid('mention-edited'))).trim(), 'diedit');
  const rows = await page.$$(tid('edit-row'));
  assert.equal(rows.length, 1);
  const row = await rows[0].textContent();
  assert.ok(row.includes(FIRST), row);
  assert.ok(row.includes('Teks pertama'), row);
});

test('an edit reaches open pages: the live list and the mention detail change in place', async () => {
  // Another message of the same chat (a copy of the guide's message with the next id) and its edits.
  const original = update('01_message_text_minimal.json');
  original.update_id = 10002;
  original.message.message_id = 1366;
  original.message.text = 'Kapan posyandu di Tanjung Redeb buka lagi?';
  const edit = (updateId, editDate, text) => {
    const e = update('06_edited_message.json');
    e.update_id = updateId;
    e.edited_message.message_id = 1366;
    e.edited_message.edit_date = editDate;
    e.edited_message.text = text;
    return e;
  };
  await page.goto(`${server.url}/listening/stream`);
  await page.waitForSelector(`${tid('stream-state')}[data-state="open"]`);
  assert.equal((await hook(original)).status, 200);
  await page.waitForFunction((sel) => [...document.querySelectorAll(sel)].some((e) => e.textContent.includes('posyandu')), tid('stream-item'));
  assert.equal(await page.locator(tid('mention-item-edited')).count(), 0);

  assert.equal((await hook(edit(10003, 1441646600, 'Posyandu sudah buka lagi, terima kasih'))).status, 200);
  await page.waitForSelector(tid('mention-item-edited'));
  await snap(page, 'edits-stream');
  const items = await page.$$(tid('stream-item'));
  assert.equal(items.length, 1);  // the same mention, changed where it stands
  const text = await items[0].textContent();
  assert.ok(text.includes('Posyandu sudah buka lagi'), text);
  assert.ok(!text.includes('Kapan posyandu'), text);

  // The mention detail is open when the author edits once more.
  await page.click(`${tid('stream-item')} ${tid('mention-detail-link')}`);
  await page.waitForSelector(tid('mention-edits'));
  assert.equal((await page.$$(tid('edit-row'))).length, 1);
  assert.equal((await hook(edit(10004, 1441646700, 'Posyandu sudah buka lagi sejak Senin, terima kasih'))).status, 200);
  await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 2, tid('edit-row'));
  await snap(page, 'edits-detail-live');
  assert.match(await page.textContent(tid('mention-detail')), /sejak Senin/);
  const rows = await page.$$(tid('edit-row'));
  assert.ok((await rows[0].textContent()).includes('Kapan posyandu'));
  assert.ok((await rows[1].textContent()).includes('Posyandu sudah buka lagi, terima kasih'));
});
