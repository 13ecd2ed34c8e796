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

test('an edit moves the open dashboard between sentiment counts, as a reload would show', async () => {
  const admin = await loggedIn(server.url, 'admin');
  const nowSec = Math.floor(Date.now() / 1000);
  const original = update('01_message_text_minimal.json');
  original.update_id = 10020;
  original.message.message_id = 1500;
  original.message.date = nowSec - 120; // inside the dashboard's 24 hours
  original.message.text = 'Pelayanan puskesmas sangat buruk, petugas kasar dan lambat, kami sangat kecewa';
  const edit = update('06_edited_message.json');
  edit.update_id = 10021;
  edit.edited_message.message_id = 1500;
  edit.edited_message.date = nowSec - 120;
  edit.edited_message.edit_date = nowSec;
  edit.edited_message.text = 'Terima kasih, pelayanan puskesmas sangat baik, petugas ramah dan cepat';
  const count = async (key) => Number((await page.textContent(`${tid(`sentiment-${key}`)} strong`)).replace(/\D/g, ''));
  const counts = async () => ({
    positive: await count('positive'), neutral: await count('neutral'), negative: await count('negative'), unlabelled: await count('unlabelled'),
    total: Number((await page.textContent(tid('tile-total'))).replace(/\D/g, '')),
  });

  await page.goto(`${server.url}/`);
  await page.waitForSelector(`${tid('live-indicator')}[data-state="open"]`);
  assert.equal((await hook(original)).status, 200);
  await page.waitForFunction((sel) => [...document.querySelectorAll(sel)].some((e) => e.textContent.includes('sangat buruk')), tid('live-item'));
  const stored = (await admin.get('/api/v1/mentions?platform=telegram&q=kecewa')).json.items[0];
  assert.ok(stored, 'the message is stored');
  const before = stored.labels.sentiment || 'unlabelled';
  const shown = await counts();

  assert.equal((await hook(edit)).status, 200);
  let after;
  for (let i = 0; i < 80; i++) {
    const d = (await admin.get(`/api/v1/mentions/${stored.id}`)).json;
    if (d.edits?.length === 1) { after = d.labels.sentiment || 'unlabelled'; break; }
    await new Promise((res) => setTimeout(res, 250));
  }
  assert.ok(after, 'the edit is stored');
  assert.notEqual(after, before, `the language engine labels both versions ${before}: the test shows nothing`);
  // Live: the mention leaves its old count and joins its new one; the total stays.
  await page.waitForFunction(({ sel, n }) => Number(document.querySelector(sel).querySelector('strong').textContent.replace(/\D/g, '')) === n,
    { sel: tid(`sentiment-${after}`), n: shown[after] + 1 });
  await snap(page, 'edits-dashboard-live');
  const live = await counts();
  assert.equal(live[before], shown[before] - 1);
  assert.equal(live[after], shown[after] + 1);
  assert.equal(live.total, shown.total);
  // The same figures as a fresh load from the server's counters.
  await page.reload();
  await page.waitForSelector(`${tid('live-indicator')}[data-state="open"]`);
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent.trim() !== '0', tid('tile-total'));
  assert.deepEqual(await counts(), live);
});
