// Integration: mention import (API and CLI), idempotency, full-text search with filters and
// scope, the live event stream, the dashboard rollups, audit verification and static-file
// safety — against the real server on loopback.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { startServer, newDataDir, addUser, loggedIn, cli, PASSWORD } from './lib.mjs';

let server, admin, ids = {};
const now = Date.now();
const iso = (minutesAgo) => new Date(now - minutesAgo * 60000).toISOString();

function line(obj) {
  return JSON.stringify(obj);
}

const goodLines = [
  line({ platform: 'x', external_id: '1001', url: 'https://x.example/warga/status/1001', author: { handle: 'warga_tanjung', name: 'Warga Tanjung' }, text: 'Jalan poros Tanjung rusak parah, kapan diperbaiki? @dispupr', created_at: iso(30), agency: 'dispupr', likes: 12, shares: 3 }),
  line({ platform: 'facebook', external_id: 'fb_2002', author: { handle: 'ibu.sari', name: 'Sari' }, text: 'Terima kasih Dinkes, vaksinasi di puskesmas lancar sekali', created_at: iso(20), agency: 'dinkes' }),
  line({ platform: 'instagram', external_id: 'ig_3003', author: { handle: 'pemuda_kota' }, text: 'Jadwal posyandu bulan depan kapan ya min?', created_at: iso(10), agency: 'dinkes', in_reply_to: 'ig_3000' }),
];

before(async () => {
  const dataDir = newDataDir();
  addUser(dataDir, 'admin', 'admin');
  server = await startServer({ dataDir });
  admin = await loggedIn(server.url, 'admin');
  const region = (await admin.get('/api/v1/agencies?kind=region')).json.items[0];
  for (const [code, name] of [['dinkes', 'Dinas Kesehatan'], ['dispupr', 'Dinas PUPR']]) {
    const r = await admin.post('/api/v1/agencies', { kind: 'agency', parent_id: region.id, name, code });
    ids[code] = r.json.id;
  }
  const u = await admin.post('/api/v1/users', { username: 'petugas1', display_name: 'Petugas', password: PASSWORD, roles: [{ role: 'petugas', agency_id: ids.dinkes }] });
  assert.equal(u.status, 201, u.text);
});

after(async () => {
  await server?.stop();
});

function importFile(client, body, contentType = 'application/x-ndjson', query = '') {
  return client.request('POST', '/api/v1/mentions/import' + query, { body, raw: true, headers: { 'content-type': contentType } });
}

/** Opens the SSE stream and resolves with the first `mention` event's data. */
function firstMentionEvent(client) {
  const promise = (async () => {
    const res = await fetch(server.url + '/api/v1/events', { headers: { cookie: client.cookie } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /text\/event-stream/);
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error('stream ended without a mention');
      buf += decoder.decode(value, { stream: true });
      let idx;
      while ((idx = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, idx);
        buf = buf.slice(idx + 2);
        if (/^event: ?mention$/m.test(block)) {
          const data = block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.replace(/^data: ?/, '')).join('\n');
          await reader.cancel().catch(() => {});
          return JSON.parse(data);
        }
      }
    }
  })();
  return { promise };
}

test('a JSONL import stores valid lines and reports each rejected line with its number', async () => {
  const body = [
    goodLines[0],
    '{"platform": "x", "external_id": "1002", "text": "tanpa waktu", "author": {"handle": "a"}}',
    goodLines[1],
    'ini bukan json',
    '',
    goodLines[2],
    line({ platform: 'x', external_id: '1003', author: { handle: 'b' }, text: 'agensi asing', created_at: iso(5), agency: 'tidak-ada' }),
  ].join('\n') + '\n';
  const r = await importFile(admin, body);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.imported, 3);
  assert.equal(r.json.rejected, 3);
  const lines = r.json.errors.map((e) => e.line);
  assert.deepEqual(lines, [2, 4, 7]);
  assert.match(r.json.errors[0].reason, /created_at/);
  assert.match(r.json.errors[2].reason, /tidak-ada/);
  // Stable codes and fields for clients to translate; the reason stays English detail.
  assert.deepEqual(r.json.errors.map((e) => [e.code, e.field]), [
    ['missing_field', 'created_at'],
    ['invalid_json', ''],
    ['unknown_agency', 'agency'],
  ]);
  assert.deepEqual(Object.keys(r.json.errors[0]).sort(), ['code', 'field', 'line', 'reason']);
});

test('importing the same file again stores nothing twice', async () => {
  const r = await importFile(admin, goodLines.join('\n'));
  assert.equal(r.status, 200);
  assert.equal(r.json.imported, 0);
  assert.equal(r.json.duplicates + r.json.updated, 3);
  const all = await admin.get('/api/v1/mentions?limit=200');
  assert.equal(all.json.total, 3);
  assert.equal(all.json.total_capped, false);
});

test('CSV imports with quoted fields work', async () => {
  const csv = 'platform,external_id,author_handle,author_name,text,created_at,agency\r\n' +
    `youtube,yt_1,"kanal_warga","Kanal, Warga","Banjir di desa ""Sungai Lebar"" sudah surut",${iso(3)},dispupr\r\n`;
  const r = await importFile(admin, csv, 'text/csv');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.imported, 1, r.text);
  const found = await admin.get('/api/v1/mentions?q=surut');
  assert.equal(found.json.total, 1);
  assert.equal(found.json.items[0].author.name, 'Kanal, Warga');
});

test('full-text search with filters and phrases', async () => {
  const q = await admin.get('/api/v1/mentions?q=' + encodeURIComponent('jalan rusak'));
  assert.equal(q.json.total, 1);
  assert.equal(q.json.items[0].external_id, '1001');
  const phrase = await admin.get('/api/v1/mentions?q=' + encodeURIComponent('"lancar sekali"'));
  assert.equal(phrase.json.total, 1);
  const excl = await admin.get('/api/v1/mentions?q=' + encodeURIComponent('puskesmas -vaksinasi'));
  assert.equal(excl.json.total, 0);
  const byPlatform = await admin.get('/api/v1/mentions?platform=instagram');
  assert.deepEqual(byPlatform.json.items.map((m) => m.external_id), ['ig_3003']);
  const byAuthor = await admin.get('/api/v1/mentions?author=@ibu.sari');
  assert.equal(byAuthor.json.total, 1);
  const byAgency = await admin.get(`/api/v1/mentions?agency_id=${ids.dispupr}`);
  assert.equal(byAgency.json.total, 2);
  const since = await admin.get('/api/v1/mentions?since=' + encodeURIComponent(iso(15)));
  assert.deepEqual(since.json.items.map((m) => m.external_id), ['yt_1', 'ig_3003']);  // newest first
  const weird = await admin.get('/api/v1/mentions?q=' + encodeURIComponent('"unbalanced AND OR NEAR( * ^'));
  assert.ok([200, 400].includes(weird.status), weird.text);
  const badTime = await admin.get('/api/v1/mentions?since=kemarin');
  assert.equal(badTime.status, 400);
});

test('a petugas finds only mentions of their agency', async () => {
  const p = await loggedIn(server.url, 'petugas1');
  const r = await p.get('/api/v1/mentions');
  assert.equal(r.json.total, 2);
  assert.ok(r.json.items.every((m) => m.agency_id === ids.dinkes));
  const otherAgency = await p.get(`/api/v1/mentions?agency_id=${ids.dispupr}`);
  assert.equal(otherAgency.status, 404);
  const otherMention = (await admin.get('/api/v1/mentions?q=poros')).json.items[0];
  assert.equal((await p.get(`/api/v1/mentions/${otherMention.id}`)).status, 404);
  const imp = await importFile(p, line({ platform: 'x', external_id: 'p1', author: { handle: 'c' }, text: 'bukan urusan dinkes', created_at: iso(1), agency: 'dispupr' }));
  assert.equal(imp.json.imported, 0);
  assert.equal(imp.json.rejected, 1);
  assert.match(imp.json.errors[0].reason, /outside/);
  assert.equal(imp.json.errors[0].code, 'agency_out_of_scope');
  assert.equal(imp.json.errors[0].field, 'agency');
  // An officer cannot leave a line without an agency (they could not see it afterwards).
  const none = await importFile(p, line({ platform: 'x', external_id: 'p2', author: { handle: 'c' }, text: 'tanpa instansi', created_at: iso(1) }));
  assert.equal(none.json.imported, 0, none.text);
  assert.deepEqual(none.json.errors.map((e) => [e.line, e.code, e.field]), [[1, 'agency_required', 'agency']]);
});

test('mentions are labelled by the shipped language models at intake', async () => {
  const r = await admin.get('/api/v1/mentions?q=' + encodeURIComponent('"lancar sekali"'));
  const labels = r.json.items[0].labels;
  assert.ok(['positive', 'neutral', 'negative'].includes(labels.sentiment), labels.sentiment);
  assert.ok(labels.sentiment_confidence > 0.5 && labels.sentiment_confidence <= 1);
  const q = await admin.get('/api/v1/mentions?q=posyandu');
  assert.equal(q.json.items[0].labels.input_kind, 'pertanyaan');
});

test('the dashboard counts come from the rollups', async () => {
  const d = await admin.get('/api/v1/dashboard?hours=24');
  assert.equal(d.status, 200, d.text);
  assert.equal(d.json.total, 4);
  assert.equal(d.json.by_platform.x, 1);
  const s = d.json.by_sentiment;
  assert.equal(s.positive + s.neutral + s.negative + s.unlabelled, 4);
  assert.equal(s.unlabelled, 0);  // the shipped models label every mention at intake
  assert.equal(d.json.series.length, 24);
  assert.equal(d.json.series.reduce((s, p) => s + p.count, 0), 4);
  const dinkes = d.json.agencies.find((a) => a.agency_id === ids.dinkes);
  assert.equal(dinkes.count, 2);
  const p = await loggedIn(server.url, 'petugas1');
  assert.equal((await p.get('/api/v1/dashboard')).json.total, 2);
});

test('new mentions reach live subscribers in their scope', async () => {
  const p = await loggedIn(server.url, 'petugas1');
  const adminStream = firstMentionEvent(admin);
  const petugasStream = firstMentionEvent(p);
  await new Promise((r) => setTimeout(r, 300));  // let both subscriptions register
  // First a mention outside the petugas's scope, then one inside it.
  await importFile(admin, line({ platform: 'x', external_id: 'live-1', author: { handle: 'd' }, text: 'lampu jalan mati', created_at: iso(0), agency: 'dispupr' }));
  await importFile(admin, line({ platform: 'x', external_id: 'live-2', author: { handle: 'e' }, text: 'antrian puskesmas panjang', created_at: iso(0), agency: 'dinkes' }));
  const seenByAdmin = await adminStream.promise;
  const seenByPetugas = await petugasStream.promise;
  assert.equal(seenByAdmin.external_id, 'live-1');
  assert.equal(seenByPetugas.external_id, 'live-2');
  assert.equal(seenByPetugas.agency_name, 'Dinas Kesehatan');
});

test('the events stream needs a session', async () => {
  const res = await fetch(server.url + '/api/v1/events');
  assert.equal(res.status, 401);
});

test('static files never leak files outside the web directory', async () => {
  for (const path of ['/../../../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2fetc%2fpasswd', '/assets/../../CMakeLists.txt']) {
    const raw = await new Promise((resolve, reject) => {
      const u = new URL(server.url);
      const sock = net.connect(Number(u.port), u.hostname, () => {
        sock.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      });
      let data = '';
      sock.on('data', (d) => (data += d));
      sock.on('end', () => resolve(data));
      sock.on('error', reject);
    });
    assert.doesNotMatch(raw, /root:x:0:0/, path);
    assert.doesNotMatch(raw, /cmake_minimum_required/, path);
  }
});

test('humas ingest imports a file, reports rejected lines and ends with the totals', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'humas-ingest-'));
  const file = join(dir, 'export.jsonl');
  writeFileSync(file, [goodLines[0], '{"broken": ', line({ platform: 'x', external_id: 'cli-1', author: { handle: 'f' }, text: 'dari berkas', created_at: iso(2) })].join('\n'));
  const dataDir = newDataDir();
  const r = cli(['ingest', '--data-dir', dataDir, file]);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.at(-1), 'imported=1 rejected=2');  // unknown agency "dispupr" + broken JSON
  assert.ok(lines.some((l) => l.startsWith('rejected line 2:')), r.stdout);
  const again = cli(['ingest', '--data-dir', dataDir, file]);
  assert.equal(again.stdout.trim().split('\n').at(-1), 'imported=0 rejected=2');
  const missing = cli(['ingest', '--data-dir', dataDir, join(dir, 'nope.jsonl')]);
  assert.notEqual(missing.status, 0);
});

test('humas audit verify detects a tampered entry', async () => {
  const dataDir = newDataDir();
  addUser(dataDir, 'admin', 'admin');
  addUser(dataDir, 'kedua', 'admin');
  const ok = cli(['audit', 'verify', '--data-dir', dataDir]);
  assert.equal(ok.status, 0, ok.stderr + ok.stdout);
  assert.match(ok.stdout, /ok: 2 entries/);
  const sql = spawnSync('sqlite3', [join(dataDir, 'humas.db'), "UPDATE audit_log SET action = 'user.delete' WHERE seq = 1;"], { encoding: 'utf8' });
  assert.equal(sql.status, 0, sql.stderr);
  const bad = cli(['audit', 'verify', '--data-dir', dataDir]);
  assert.equal(bad.status, 1);
  assert.match(bad.stdout, /BROKEN at entry 1/);
});
