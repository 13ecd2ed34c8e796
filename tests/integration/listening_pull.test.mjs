// Listening end to end through the real `humas serve`: a Facebook Page feed connector is created
// through the API against a fake Graph API on loopback (the test starts it) replaying the recorded
// Page feed of ../shared/fixtures/meta-graph; the connector tick pulls it, the posts and comments
// appear in search and on the live stream (SSE), the health shows the success, and a second run
// stores nothing new. Then edited posts: a Telegram message and its edit arrive by webhook; the
// mention takes the new text, its detail keeps the first one, a connected browser receives one
// `mention.edited` event with the new text, and a replayed edit changes (and sends) nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { startServer, newDataDir, addUser, loggedIn, listenEvents, PASSWORD } from './lib.mjs';
import { fixture, postRaw } from './webhook_lib.mjs';

const PAGE_ID = '19292868552';
const TOKEN = 'EAAG-token-halaman-rahasia';
const TG_SECRET = 'Dinkes_Bot_Secret_9';
const page1 = JSON.parse(fixture('meta-graph/python-facebook/facebook/apidata/posts/feeds_default_fields_p1.json'));
const page2 = JSON.parse(fixture('meta-graph/python-facebook/facebook/apidata/posts/feeds_default_fields_p2.json'));
const comment = JSON.parse(fixture('meta-graph/python-facebook/facebook/models/comment.json'));
page1.data[0].comments = { data: [comment] };  // as comments.limit(100){...} embeds them

let server, admin, pejabat, graph, graphUrl, dinkes;
const graphRequests = [];

async function until(fn, what, tries = 120) {
  for (let i = 0; i < tries; i++) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.fail(`timed out waiting for ${what}`);
}

before(async () => {
  // The fake Graph API: the Page feed in two pages (paging.cursors.after), then nothing newer.
  graph = createServer((req, res) => {
    const url = new URL(req.url, 'http://graph');
    graphRequests.push({ path: url.pathname, params: Object.fromEntries(url.searchParams), auth: req.headers.authorization });
    res.setHeader('content-type', 'application/json');
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.writeHead(400);
      res.end(JSON.stringify({ error: { message: 'Invalid OAuth access token.', type: 'OAuthException', code: 190 } }));
      return;
    }
    if (url.pathname !== `/v21.0/${PAGE_ID}/feed`) { res.writeHead(404); res.end('{}'); return; }
    if (url.searchParams.get('since')) { res.end(JSON.stringify({ data: [] })); return; }
    res.end(JSON.stringify(url.searchParams.get('after') ? page2 : page1));
  });
  await new Promise((r) => graph.listen(0, '127.0.0.1', r));
  graphUrl = `http://127.0.0.1:${graph.address().port}/v21.0`;

  const dataDir = newDataDir();
  addUser(dataDir, 'admin', 'admin');
  server = await startServer({ dataDir, env: { HUMAS_CONNECTOR_POLL_TICK_SECONDS: '1' } });
  admin = await loggedIn(server.url, 'admin');
  const region = (await admin.get('/api/v1/agencies?kind=region')).json.items[0];
  const a = await admin.post('/api/v1/agencies', { kind: 'agency', parent_id: region.id, name: 'Dinas Kesehatan', code: 'dinkes' });
  assert.equal(a.status, 201, a.text);
  dinkes = a.json.id;
  const u = await admin.post('/api/v1/users', {
    username: 'pejabat1', display_name: 'Pejabat', password: PASSWORD, roles: [{ role: 'pejabat', agency_id: dinkes }],
  });
  assert.equal(u.status, 201, u.text);
  pejabat = await loggedIn(server.url, 'pejabat1');
});

after(async () => {
  await server?.stop();
  graph?.close();
});

test('a Facebook Page feed connector pulls into search and the live stream; a second run stores nothing new', async () => {
  const live = await listenEvents(server.url, pejabat, 'mention');
  const r = await pejabat.post('/api/v1/connectors', {
    agency_id: dinkes, platform: 'facebook', name: 'Halaman Dinkes',
    settings: { page_id: PAGE_ID, api_base: graphUrl, limit: 5 }, credentials: { access_token: TOKEN },
    poll_interval_seconds: 3600,
  });
  assert.equal(r.status, 201, r.text);
  const id = r.json.id;
  let c;
  await until(async () => (c = (await pejabat.get(`/api/v1/connectors/${id}`)).json).status === 'ok', 'the first run');
  assert.ok(c.last_success_at, JSON.stringify(c));
  assert.equal(c.last_error, '');

  // Both pages of posts (five with text each in the recording) and the embedded comment.
  const expected = [...page1.data, ...page2.data].filter((p) => p.message).map((p) => p.id).concat([comment.id]);
  const found = await pejabat.get('/api/v1/mentions?platform=facebook&limit=100');
  assert.equal(found.status, 200, found.text);
  assert.deepEqual(found.json.items.map((m) => m.external_id).sort(), [...expected].sort());
  assert.ok(found.json.items.every((m) => m.agency_id === dinkes));
  assert.equal(c.items_total, expected.length);
  const byText = await pejabat.get(`/api/v1/mentions?q=${encodeURIComponent(page1.data[0].message.split(/\s+/).slice(0, 3).join(' '))}`);
  assert.ok(byText.json.items.some((m) => m.external_id === page1.data[0].id), byText.text);
  // Every stored mention reached the live stream, once.
  await until(() => live.events.length >= expected.length, 'the live events');
  assert.deepEqual(live.events.map((e) => e.external_id).sort(), [...expected].sort());
  // The token went in the header, never in the URL.
  assert.ok(graphRequests.every((q) => !JSON.stringify(q.params).includes(TOKEN)));
  assert.equal(graphRequests.filter((q) => q.params.after).length, 1);

  // Run again now: the fake has nothing newer (it is asked with `since`); nothing new is stored.
  const before = graphRequests.length;
  const run = await pejabat.post(`/api/v1/connectors/${id}/run`, {});
  assert.equal(run.status, 200, run.text);
  await until(async () => {
    const now = (await pejabat.get(`/api/v1/connectors/${id}`)).json;
    return graphRequests.length > before && now.last_success_at !== c.last_success_at;
  }, 'the second run');
  assert.ok(graphRequests.slice(before).every((q) => q.params.since), JSON.stringify(graphRequests.slice(before)));
  const again = (await pejabat.get(`/api/v1/connectors/${id}`)).json;
  assert.equal(again.status, 'ok');
  assert.equal(again.items_total, expected.length);
  assert.equal((await pejabat.get('/api/v1/mentions?platform=facebook')).json.total, expected.length);
  await new Promise((res) => setTimeout(res, 300));
  assert.equal(live.events.length, expected.length);
  live.close();
});

test('an edited Telegram message: the newer text is stored, the first kept in its detail, replays change nothing', async () => {
  const r = await admin.post('/api/v1/connectors', {
    agency_id: dinkes, name: 'Bot Dinkes', platform: 'telegram', settings: { webhook: 'telegram' },
    credentials: { secret_token: TG_SECRET },
  });
  assert.equal(r.status, 201, r.text);
  const hook = (body) => postRaw(server.url, `/hooks/telegram/${r.json.id}`, body, { 'x-telegram-bot-api-secret-token': TG_SECRET });
  // The official guide's message 1365 and its edit ("Edited text", edit_date 1441646600).
  const original = JSON.parse(fixture('telegram-bot/official-webhook-guide/01_message_text_minimal.json'));
  original.message.text = 'Jalan Poros rusak parah, mohon segera diperbaiki';
  // Telegram numbers updates: the edit is a later update than the message (both files say 10000).
  const editedUpdate = JSON.parse(fixture('telegram-bot/official-webhook-guide/06_edited_message.json'));
  editedUpdate.update_id = 10001;
  const edited = JSON.stringify(editedUpdate);
  assert.equal((await hook(JSON.stringify(original))).status, 200);
  let m;
  await until(async () => (m = (await pejabat.get('/api/v1/mentions?platform=telegram')).json).total === 1, 'the message');
  const id = m.items[0].id;
  assert.equal(m.items[0].edited_at, null);
  const live = await listenEvents(server.url, pejabat, 'mention.edited');
  const fresh = await listenEvents(server.url, pejabat, 'mention');
  assert.equal((await hook(edited)).status, 200);
  let detail;
  await until(async () => (detail = (await pejabat.get(`/api/v1/mentions/${id}`)).json).text === 'Edited text', 'the edit');
  assert.equal(detail.edited_at, '2015-09-07T17:23:20.000Z');
  assert.deepEqual(detail.edits.map((e) => [e.text, e.version_at]),
    [['Jalan Poros rusak parah, mohon segera diperbaiki', '2015-09-07T17:05:32.000Z']]);
  // Search follows the new text; the old words no longer find it.
  assert.equal((await pejabat.get('/api/v1/mentions?platform=telegram&q=rusak')).json.total, 0);
  assert.equal((await pejabat.get('/api/v1/mentions?platform=telegram&q=edited')).json.total, 1);
  // The live stream: one mention.edited event carrying the stored mention as it is now (same id,
  // new text, its edit time); it is not announced as a new mention.
  await until(async () => live.events.length === 1, 'the mention.edited event');
  assert.equal(live.events[0].id, id);
  assert.equal(live.events[0].text, 'Edited text');
  assert.equal(live.events[0].edited_at, '2015-09-07T17:23:20.000Z');
  assert.equal(live.events[0].created_at, detail.created_at);
  assert.equal(live.events[0].agency_id, dinkes);
  assert.deepEqual(live.events[0].query_ids, []);
  assert.equal(fresh.events.length, 0);
  // The same edit again (Telegram retries a delivery): nothing changes.
  const replay = JSON.parse(edited);
  replay.update_id += 1;
  assert.equal((await hook(JSON.stringify(replay))).status, 200);
  await new Promise((res) => setTimeout(res, 1500));
  const after = (await pejabat.get(`/api/v1/mentions/${id}`)).json;
  assert.equal(after.edits.length, 1);
  assert.equal(after.text, 'Edited text');
  assert.equal((await pejabat.get('/api/v1/mentions?platform=telegram')).json.total, 1);
  assert.equal(live.events.length, 1);
  assert.equal(fresh.events.length, 0);
  live.close();
  fresh.close();
});
