// Integration: a Bluesky connector streaming from Jetstream through the real server. A fake
// Jetstream on loopback (a minimal RFC 6455 server: handshake + unmasked text frames) replays the
// captured events of ../shared/fixtures/bluesky/jetstream/golden_v1.jsonl; the posts become
// mentions of the connector's agency, the connector reports its live stream state, and after a
// restart the server resumes from the saved cursor (rewound 5 s) without storing anything twice.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import { startServer, newDataDir, addUser, loggedIn, ROOT } from './lib.mjs';

const LINES = readFileSync(resolve(process.env.HUMAS_SHARED || join(ROOT, '..', 'shared'),
  'fixtures/bluesky/jetstream/golden_v1.jsonl'), 'utf8').split('\n').filter((l) => l.trim());
const EVENTS = LINES.map((l) => JSON.parse(l));
// The oracle: post creates with text, by AT-URI.
const POSTS = EVENTS.filter((e) => e.kind === 'commit' && e.commit.collection === 'app.bsky.feed.post'
  && e.commit.operation === 'create' && e.commit.record.text)
  .map((e) => `at://${e.did}/app.bsky.feed.post/${e.commit.rkey}`);
const NEWEST = Math.max(...EVENTS.map((e) => e.time_us));

let server, admin, jet, jetUrl, agencyId, connectorId, dataDir;
const requests = [];
const sockets = new Set();

function frame(text) {
  const body = Buffer.from(text);
  let head;
  if (body.length < 126) head = Buffer.from([0x81, body.length]);
  else if (body.length < 65536) head = Buffer.from([0x81, 126, body.length >> 8, body.length & 255]);
  else throw new Error('frame too long for this fake');
  return Buffer.concat([head, body]);
}

before(async () => {
  jet = createServer((req, res) => { res.writeHead(426); res.end(); });
  jet.on('upgrade', (req, socket) => {
    requests.push(req.url);
    const accept = createHash('sha1')
      .update(req.headers['sec-websocket-key'] + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n'
      + `Sec-WebSocket-Accept: ${accept}\r\n\r\n`);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('end', () => { sockets.delete(socket); socket.end(); });  // the client hung up
    socket.on('error', () => {});
    // Jetstream's replay: the events at or after the cursor.
    const cursor = Number(new URL(req.url, 'http://x').searchParams.get('cursor') || 0);
    for (let i = 0; i < LINES.length; i++) if (EVENTS[i].time_us >= cursor) socket.write(frame(LINES[i]));
  });
  await new Promise((r) => jet.listen(0, '127.0.0.1', r));
  jetUrl = `ws://127.0.0.1:${jet.address().port}/subscribe`;
  dataDir = newDataDir();
  addUser(dataDir, 'admin', 'admin');
  server = await startServer({ dataDir });
  admin = await loggedIn(server.url, 'admin');
  const region = (await admin.get('/api/v1/agencies?kind=region')).json.items[0];
  const r = await admin.post('/api/v1/agencies', { kind: 'agency', parent_id: region.id, name: 'Dinas Kesehatan', code: 'dinkes' });
  assert.equal(r.status, 201, r.text);
  agencyId = r.json.id;
});

after(async () => {
  await server?.stop();
  for (const s of sockets) s.destroy();
  jet?.close();
});

async function until(fn, what) {
  for (let i = 0; i < 120; i++) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.fail(`timed out waiting for ${what}`);
}

async function storedUris() {
  const r = await admin.get('/api/v1/mentions?platform=bluesky&limit=200');
  assert.equal(r.status, 200, r.text);
  return r.json.items.map((m) => m.external_id).sort();
}

test('bad Bluesky settings are refused and nothing is created', async () => {
  for (const settings of [{ wanted_dids: ['@dinkes'] }, { jetstream_url: 'https://x/subscribe', keywords: ['a'] },
    { keywords: 'banjir', firehose: true }]) {
    const r = await admin.post('/api/v1/connectors', { agency_id: agencyId, platform: 'bluesky', name: 'x', settings });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json.error.field, 'settings');
  }
  assert.equal((await admin.get('/api/v1/connectors?platform=bluesky')).json.total, 0);
});

test('a streaming Bluesky connector stores the posts of the stream and shows it connected', async () => {
  const r = await admin.post('/api/v1/connectors', {
    agency_id: agencyId, platform: 'bluesky', name: 'Jetstream dinkes',
    settings: { jetstream_url: jetUrl, wanted_dids: ['did:plc:q235v55g5unth4zjjdpacfdr'] },
  });
  assert.equal(r.status, 201, r.text);
  connectorId = r.json.id;
  assert.equal(r.json.streamed, true);
  assert.equal(r.json.polled, false);
  assert.equal(r.json.next_run_at, null);
  await until(async () => (await storedUris()).length === POSTS.length, 'the posts');
  assert.deepEqual(await storedUris(), [...POSTS].sort());
  assert.equal(requests[0], '/subscribe?wantedCollections=app.bsky.feed.post&wantedDids=did%3Aplc%3Aq235v55g5unth4zjjdpacfdr');
  const c = await until(async () => {
    const g = (await admin.get(`/api/v1/connectors/${connectorId}`)).json;
    return g.stream?.connected && g.stream.events === LINES.length ? g : null;
  }, 'the stream state');
  assert.equal(c.stream.stored, POSTS.length);
  assert.equal(c.stream.reconnects, 0);
  assert.equal(c.status, 'ok');
  const m = (await admin.get('/api/v1/mentions?platform=bluesky&limit=200')).json.items[0];
  assert.equal(m.agency_id, agencyId);
  // Creating the connector was audited like every write.
  const audit = (await admin.get('/api/v1/audit?action=connector.create')).json.items;
  assert.ok(audit.some((a) => a.entity_id === String(connectorId)));
});

test('after a restart the stream resumes 5 s before the saved cursor and stores nothing twice', async () => {
  await server.stop({ keepData: true });
  server = await startServer({ dataDir });
  admin = await loggedIn(server.url, 'admin');
  await until(() => requests.length >= 2, 'a second connection');
  const cursor = Number(new URL(requests[1], 'http://x').searchParams.get('cursor'));
  assert.equal(cursor, NEWEST - 5_000_000);
  await until(async () => (await admin.get(`/api/v1/connectors/${connectorId}`)).json.stream?.events >= 1, 'the replay');
  assert.deepEqual(await storedUris(), [...POSTS].sort());
});

test('disabling the connector closes its stream', async () => {
  const r = await admin.patch(`/api/v1/connectors/${connectorId}`, { enabled: false });
  assert.equal(r.status, 200, r.text);
  await until(() => sockets.size === 0, 'the socket to close');
  const g = (await admin.get(`/api/v1/connectors/${connectorId}`)).json;
  assert.equal(g.stream, null);
});
