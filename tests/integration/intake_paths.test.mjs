// Integration: every intake path labels and matches. Queries saved in an earlier run of the server
// are matched from the first mention after a restart (import API and webhooks), and webhook
// mentions carry the language labels and query matches like imported ones.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, newDataDir, addUser, loggedIn } from './lib.mjs';

const TG_TOKEN = 'humas_Intake-Token_02';
const env = { HUMAS_WEBHOOK_TELEGRAM_SECRETS: `kota=${TG_TOKEN}` };
let server, admin, queryId;

const jsonl = (rows) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

function telegram(updateId, text) {
  return JSON.stringify({
    update_id: updateId,
    message: {
      message_id: updateId,
      date: Math.floor(Date.now() / 1000) - 60,
      chat: { id: 77, type: 'private' },
      from: { id: 77, username: 'warga_tg' },
      text,
    },
  });
}

async function matched() {
  const r = await admin.get(`/api/v1/mentions?query_id=${queryId}&limit=50`);
  assert.equal(r.status, 200, r.text);
  return r.json.items;
}

before(async () => {
  const dataDir = newDataDir();
  addUser(dataDir, 'admin', 'admin');
  let first = await startServer({ dataDir, env });
  let client = await loggedIn(first.url, 'admin');
  const region = (await client.get('/api/v1/agencies?kind=region')).json.items[0];
  const agency = await client.post('/api/v1/agencies', { kind: 'agency', parent_id: region.id, name: 'Dinas PUPR', code: 'dispupr' });
  assert.equal(agency.status, 201, agency.text);
  const q = await client.post('/api/v1/queries', { agency_id: agency.json.id, name: 'Jalan rusak', expression: '"jalan rusak"' });
  assert.equal(q.status, 201, q.text);
  queryId = q.json.id;
  // The query was saved in the previous run: the new process must load it at start.
  await first.stop({ keepData: true });
  server = await startServer({ dataDir, env });
  admin = await loggedIn(server.url, 'admin');
});

after(async () => {
  await server?.stop();
});

test('after a restart, imported mentions are matched against the stored queries', async () => {
  const created_at = new Date(Date.now() - 120000).toISOString();
  const r = await admin.request('POST', '/api/v1/mentions/import', {
    body: jsonl([
      { platform: 'x', external_id: 'imp1', author: { handle: 'warga1' }, text: 'Jalan rusak parah di Tanjung Redeb, mohon diperbaiki', created_at },
      { platform: 'x', external_id: 'imp2', author: { handle: 'warga2' }, text: 'Terima kasih atas pelayanannya', created_at },
    ]),
    raw: true,
    headers: { 'content-type': 'application/x-ndjson' },
  });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.imported, 2);
  assert.deepEqual((await matched()).map((m) => m.external_id), ['imp1']);
});

test('webhook mentions are labelled and matched like imported ones', async () => {
  for (const [id, text] of [[501, 'Jalan rusak di depan pasar, bahaya buat pengendara'], [502, 'Lampu taman sudah menyala lagi']]) {
    const res = await fetch(server.url + '/hooks/telegram/kota', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': TG_TOKEN },
      body: telegram(id, text),
    });
    assert.equal(res.status, 200, await res.text());
  }
  const deadline = Date.now() + 10000;
  let tg;
  for (;;) {
    const r = await admin.get('/api/v1/mentions?platform=telegram');
    tg = r.json;
    if (tg.total >= 2 || Date.now() > deadline) break;
    await new Promise((res) => setTimeout(res, 50));
  }
  assert.equal(tg.total, 2);
  for (const m of tg.items) {
    assert.ok(['positive', 'neutral', 'negative'].includes(m.labels.sentiment), JSON.stringify(m.labels));
    assert.ok(m.labels.input_kind, JSON.stringify(m.labels));
  }
  const ids = (await matched()).map((m) => m.text);
  assert.ok(ids.includes('Jalan rusak di depan pasar, bahaya buat pengendara'), JSON.stringify(ids));
  assert.ok(!ids.includes('Lampu taman sudah menyala lagi'));
});
