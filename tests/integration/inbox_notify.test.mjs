// Integration: notifications of the inbox leave by the job queue, never inside the API request. A
// disposition is forwarded while the Telegram Bot API the notifications go through hangs (answers
// nothing): the API call answers at once anyway, before Telegram answered anything. Telegram then
// fails the hung request (502 "Bad Gateway") and comes back: the receiving officer gets the
// Telegram message exactly once, by the queue's retry, from the fake Bot API of lib.mjs (official
// message format of ../shared/fixtures/telegram-bot). Real server, real SQLite, fake on loopback.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, startFakeTelegram, newDataDir, addUser, loggedIn, PASSWORD } from './lib.mjs';

let server, fake, admin, kominfo;
const ids = {};

before(async () => {
  fake = await startFakeTelegram({ token: '77:NOTIFY', username: 'humas_berau_bot', firstId: 7000 });
  fake.hang = true;
  const dataDir = newDataDir();
  addUser(dataDir, 'admin', 'admin');
  server = await startServer({
    dataDir,
    env: { HUMAS_TELEGRAM_BOT_TOKEN: '77:NOTIFY', HUMAS_TELEGRAM_API_BASE: fake.url },
  });
  admin = await loggedIn(server.url, 'admin');
  const region = (await admin.get('/api/v1/agencies?kind=region')).json.items[0];
  for (const [code, name] of [['diskominfo', 'Diskominfo'], ['dinkes', 'Dinas Kesehatan']]) {
    const a = await admin.post('/api/v1/agencies', { kind: 'agency', parent_id: region.id, name, code, timezone: 'Asia/Makassar' });
    assert.equal(a.status, 201, a.text);
    ids[code] = a.json.id;
  }
  for (const [username, agency, chat] of [['kominfo', 'diskominfo', ''], ['dinkes', 'dinkes', '5550001']]) {
    const u = await admin.post('/api/v1/users', { username, display_name: username, password: PASSWORD, roles: [{ role: 'petugas', agency_id: ids[agency] }], telegram_chat_id: chat });
    assert.equal(u.status, 201, u.text);
  }
  kominfo = await loggedIn(server.url, 'kominfo');
  const line = JSON.stringify({ platform: 'x', external_id: '1445880548472328192', author: { handle: 'warga_berau', name: 'Warga' }, text: 'Kapan posyandu Tanjung Redeb buka?', created_at: new Date().toISOString(), agency: 'diskominfo', kind: 'reply', in_reply_to: '1445880548472328000' });
  const imp = await admin.request('POST', '/api/v1/mentions/import', { body: line, raw: true, headers: { 'content-type': 'application/x-ndjson' } });
  assert.equal(imp.json.imported, 1, imp.text);
});

after(async () => {
  await server?.stop();
  fake?.close();
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('a hung Telegram neither slows nor fails the disposition; the officer is told once when it is back', async () => {
  const mention = (await kominfo.get('/api/v1/mentions?q=posyandu')).json.items[0];
  const opened = await kominfo.post('/api/v1/cases', { mention_id: mention.id });
  assert.ok(opened.status === 200 || opened.status === 201, opened.text); // intake may have opened it
  const forwarded = await kominfo.post(`/api/v1/cases/${opened.json.id}/dispositions`, {
    version: opened.json.version, to_agency_ids: [ids.dinkes], question: 'Jam buka posyandu Tanjung Redeb?',
  });
  assert.equal(forwarded.status, 201, forwarded.text);
  // The API answered while Telegram has answered nothing (it is hanging, or not even asked yet).
  assert.equal(fake.sends.length - fake.held.length, 0);
  // The in-app notification is there at once.
  const dinkes = await loggedIn(server.url, 'dinkes');
  const notes = (await dinkes.get('/api/v1/notifications')).json;
  assert.equal(notes.items.filter((n) => n.kind === 'disposition').length, 1, JSON.stringify(notes));

  // The queue's first attempt reaches the hung Telegram; then Telegram fails it and recovers.
  for (let i = 0; i < 100 && fake.held.length === 0; i++) await sleep(100);
  assert.equal(fake.held.length, 1, 'the delivery job asked Telegram');
  fake.hang = false;
  const res = fake.held.shift();
  res.statusCode = 502;
  res.end(JSON.stringify({ ok: false, error_code: 502, description: 'Bad Gateway' }));
  // Delivered by the retry: a second request, answered with the message.
  for (let i = 0; i < 150 && fake.sends.length < 2; i++) await sleep(100);
  assert.equal(fake.sends.length, 2, JSON.stringify(fake.sends));
  const sent = fake.sends[1];
  assert.equal(sent.chat_id, 5550001);
  assert.match(sent.text, /Disposisi baru/);
  assert.match(sent.text, /Jam buka posyandu/);
  // Nobody is told twice, and the officer without a Telegram chat gets nothing there.
  await sleep(2500);
  assert.equal(fake.sends.length, 2);
  assert.ok(fake.sends.every((p) => p.chat_id === 5550001), JSON.stringify(fake.sends));
});
