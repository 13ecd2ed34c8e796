// Integration: share cascades assembled out of order, author profiles with segment evidence, top
// authors per agency/topic, label corrections (scope, roles, audit, rollups) and the round trip
// `humas corrections export` → `humas train --init` — against the real server on loopback.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, newDataDir, addUser, loggedIn, cli, PASSWORD, ROOT } from './lib.mjs';

let server, admin, dataDir;
const ids = {};
const now = Date.now();
const iso = (minutesAgo) => new Date(now - minutesAgo * 60000).toISOString();
const mention = ({ author, followers, ago = 30, agency = 'dinkes', ...rest }) =>
  JSON.stringify({
    platform: 'x',
    agency,
    created_at: iso(ago),
    author: followers === undefined ? { handle: author } : { handle: author, followers },
    ...rest,
  });

function importLines(client, lines) {
  return client.request('POST', '/api/v1/mentions/import', {
    body: lines.join('\n') + '\n',
    raw: true,
    headers: { 'content-type': 'application/x-ndjson' },
  });
}

async function byExternalId(ext) {
  const r = await admin.get('/api/v1/mentions?limit=200');
  const m = r.json.items.find((x) => x.external_id === ext);
  assert.ok(m, `mention ${ext} not found`);
  return m;
}

before(async () => {
  dataDir = newDataDir();
  addUser(dataDir, 'admin', 'admin');
  server = await startServer({ dataDir });
  admin = await loggedIn(server.url, 'admin');
  const region = (await admin.get('/api/v1/agencies?kind=region')).json.items[0];
  for (const [code, name] of [['dinkes', 'Dinas Kesehatan'], ['dispupr', 'Dinas PUPR']]) {
    const r = await admin.post('/api/v1/agencies', { kind: 'agency', parent_id: region.id, name, code });
    ids[code] = r.json.id;
  }
  for (const [username, role, agency] of [['petugas1', 'petugas', 'dinkes'], ['pupr1', 'petugas', 'dispupr'], ['boss', 'pimpinan', 'dinkes']]) {
    const u = await admin.post('/api/v1/users', { username, display_name: username, password: PASSWORD, roles: [{ role, agency_id: ids[agency] }] });
    assert.equal(u.status, 201, u.text);
  }
});

after(async () => {
  await server?.stop();
});

test('a cascade assembles when children arrive before their parent, with size, depth, breadth and reach', async () => {
  // Children first: a reply to a share of a post that is not stored yet.
  let r = await importLines(admin, [
    mention({ external_id: 'c2', author: 'rina', text: 'betul, antre lama sekali casc', in_reply_to: 'c1', ago: 10 }),
    mention({ external_id: 'c1', author: 'budi', text: 'bagikan: antrean puskesmas casc', shared_from: 'c0', kind: 'share', ago: 20, followers: 120 }),
  ]);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.imported, 2);
  const leaf = await byExternalId('c2');
  r = await admin.get(`/api/v1/mentions/${leaf.id}/cascade`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.missing_parent, 'c0');
  assert.equal(r.json.stats.size, 2);

  r = await importLines(admin, [
    mention({ external_id: 'c0', author: 'dinkes_berau', text: 'Antrean di puskesmas kini bisa daftar online #LayananSehat casc', ago: 40, followers: 5000, likes: 30, shares: 4 }),
    mention({ external_id: 'c3', author: 'sari', text: 'mantap casc #LayananSehat', in_reply_to: 'c0', ago: 5 }),
    mention({ external_id: 'c0', platform: 'facebook', author: 'lain', text: 'same id other platform casc', ago: 5 }),
  ]);
  assert.equal(r.json.imported, 3, r.text);
  r = await admin.get(`/api/v1/mentions/${leaf.id}/cascade`);
  assert.equal(r.status, 200);
  const c = r.json;
  assert.equal(c.missing_parent, '');
  assert.equal(c.truncated, false);
  assert.equal(c.stats.size, 4);
  assert.equal(c.stats.depth, 2);
  assert.deepEqual(c.stats.breadth, [1, 2, 1]);
  assert.equal(c.stats.shares, 1);
  assert.equal(c.stats.replies, 2);
  assert.equal(c.stats.distinct_authors, 4);
  assert.equal(c.stats.reach.estimated, 5120);
  assert.equal(c.stats.reach.authors_with_followers, 2);
  assert.equal(c.nodes[0].mention.external_id, 'c0');
  assert.equal(c.nodes[0].parent, null);
  const leafNode = c.nodes.find((n) => n.mention?.external_id === 'c2');
  assert.equal(c.nodes[leafNode.parent].mention.external_id, 'c1');
  assert.equal(c.nodes[leafNode.parent].link, 'share');
  assert.equal(leafNode.depth, 2);
  assert.equal(c.root_id, c.nodes[0].mention.id);

  // Bad parameters and unknown mentions.
  assert.equal((await admin.get(`/api/v1/mentions/${leaf.id}/cascade?max_nodes=0`)).status, 400);
  assert.equal((await admin.get('/api/v1/mentions/999999/cascade')).status, 404);
});

test('cascade members outside the caller\'s scope keep their place but show nothing', async () => {
  let r = await importLines(admin, [
    mention({ external_id: 's0', author: 'warga1', text: 'jalan rusak di dekat puskesmas scope', agency: 'dinkes', ago: 30 }),
    mention({ external_id: 's1', author: 'warga2', text: 'itu urusan PU scope', agency: 'dispupr', in_reply_to: 's0', ago: 20 }),
  ]);
  assert.equal(r.json.imported, 2, r.text);
  const s0 = await byExternalId('s0');
  const s1 = await byExternalId('s1');
  const petugas = await loggedIn(server.url, 'petugas1');
  r = await petugas.get(`/api/v1/mentions/${s0.id}/cascade`);
  assert.equal(r.status, 200);
  assert.equal(r.json.stats.size, 2);
  const hidden = r.json.nodes.find((n) => n.hidden);
  assert.ok(hidden);
  assert.equal(hidden.mention, null);
  assert.doesNotMatch(JSON.stringify(r.json), /urusan PU/);
  // The other agency's mention itself is not found for this officer.
  assert.equal((await petugas.get(`/api/v1/mentions/${s1.id}/cascade`)).status, 404);
});

test('author profile shows counts, the segment, the rule that placed it and what cannot be observed', async () => {
  const lines = [];
  for (let i = 0; i < 3; i++) lines.push(mention({ external_id: `k${i}`, author: 'kritikus', text: `pelayanan lambat sekali ${i}`, in_reply_to: 'c0', ago: 60 + i }));
  lines.push(mention({ external_id: 'k9', author: 'kritikus', text: 'info vaksin', ago: 90 }));
  let r = await importLines(admin, lines);
  assert.equal(r.json.imported, 4, r.text);
  r = await admin.get('/api/v1/authors/x/kritikus');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.evidence.mentions, 4);
  assert.equal(r.json.evidence.replies, 3);
  assert.equal(r.json.evidence.originals, 1);
  assert.equal(r.json.segment.segment, 'critics');
  assert.equal(r.json.segment.rule, 'critics.responds');
  assert.deepEqual(r.json.segment.unobservable, ['spectators', 'inactive']);
  assert.equal(r.json.recent.length, 4);

  r = await admin.get('/api/v1/authors/x/nobody_here');
  assert.equal(r.status, 200);
  assert.equal(r.json.segment.segment, null);
  assert.equal(r.json.segment.rule, 'none.no_activity');
  assert.equal((await admin.get('/api/v1/authors/myspace/kritikus')).status, 404);
  assert.equal((await admin.get('/api/v1/authors/x/kritikus?since=2020-01-01&until=2021-01-01')).status, 400);
});

test('top authors per agency and topic rank by influence and explain the measure', async () => {
  let r = await admin.get(`/api/v1/authors/top?agency_id=${ids.dinkes}`);
  assert.equal(r.status, 200, r.text);
  assert.match(r.json.measure, /likes/);
  assert.ok(r.json.items.length >= 3);
  assert.equal(r.json.items[0].handle, 'dinkes_berau');
  // c0: 30 likes + max(4 shares + 0 replies reported, 5 stored from others: c1, c3, k0-k2) = 35.
  assert.equal(r.json.items[0].influence, 35);
  for (let i = 1; i < r.json.items.length; i++) assert.ok(r.json.items[i - 1].influence >= r.json.items[i].influence);

  r = await admin.get(`/api/v1/authors/top?agency_id=${ids.dinkes}&topic=%23layanansehat`);
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.items.map((a) => a.handle).sort(), ['dinkes_berau', 'sari']);
  assert.equal(r.json.window.topic, '#layanansehat');
  // A topic ranking is a bounded read of the newest mentions containing the word; it says how many.
  assert.equal(r.json.topic_coverage.cap, 50000);
  assert.equal(r.json.topic_coverage.capped, false);
  assert.ok(r.json.topic_coverage.candidates >= 2, JSON.stringify(r.json.topic_coverage));
  assert.equal((await admin.get(`/api/v1/authors/top?agency_id=${ids.dinkes}`)).json.topic_coverage, undefined);
  assert.equal((await admin.get('/api/v1/authors/top?topic=bad%20tag')).status, 400);
  const pupr = await loggedIn(server.url, 'pupr1');
  assert.equal((await pupr.get(`/api/v1/authors/top?agency_id=${ids.dinkes}`)).status, 404);
  r = await pupr.get('/api/v1/authors/top');
  assert.ok(r.json.items.every((a) => a.handle === 'warga2'), JSON.stringify(r.json.items));
});

test('an officer corrects labels: stored with who/when/old→new, audited, scoped; exported for train --init', async () => {
  // The server labels at intake with the shipped models: correct to a value other than the current.
  const m = await byExternalId('c3');
  const other = await byExternalId('k0');
  const cur = m.labels.sentiment;
  const target = cur === 'negative' ? 'positive' : 'negative';
  const curKind = m.labels.input_kind;
  const targetKind = curKind === 'apresiasi' ? 'saran' : 'apresiasi';
  const otherCur = other.labels.sentiment;
  const otherTarget = otherCur === 'neutral' ? 'positive' : 'neutral';
  const bucket = (v) => v || 'unlabelled';
  const before = (await admin.get('/api/v1/dashboard?hours=24')).json.by_sentiment;

  const petugas = await loggedIn(server.url, 'petugas1');
  let r = await petugas.post(`/api/v1/mentions/${m.id}/labels`, { task: 'sentiment', value: target, note: 'dibaca petugas' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.correction.username, 'petugas1');
  assert.equal(r.json.correction.old_value, cur);
  assert.equal(r.json.correction.new_value, target);
  assert.equal(r.json.mention.labels.sentiment, target);
  assert.equal(r.json.mention.labels.sentiment_confidence, 1);
  r = await petugas.post(`/api/v1/mentions/${m.id}/labels`, { task: 'kind', value: targetKind });
  assert.equal(r.status, 200, r.text);
  r = await petugas.post(`/api/v1/mentions/${other.id}/labels`, { task: 'sentiment', value: otherTarget });
  assert.equal(r.status, 200, r.text);

  // Refusals change nothing.
  assert.equal((await petugas.post(`/api/v1/mentions/${m.id}/labels`, { task: 'sentiment', value: target })).status, 409);
  assert.equal((await petugas.post(`/api/v1/mentions/${m.id}/labels`, { task: 'sentiment', value: 'senang' })).status, 400);
  assert.equal((await petugas.post(`/api/v1/mentions/${m.id}/labels`, { task: 'mood', value: 'positive' })).status, 400);
  assert.equal((await petugas.post(`/api/v1/mentions/${m.id}/labels`, { task: 'sentiment', value: 'neutral', extra: 1 })).status, 400);
  const boss = await loggedIn(server.url, 'boss');
  assert.equal((await boss.post(`/api/v1/mentions/${m.id}/labels`, { task: 'sentiment', value: 'neutral' })).status, 403);
  const pupr = await loggedIn(server.url, 'pupr1');
  assert.equal((await pupr.post(`/api/v1/mentions/${m.id}/labels`, { task: 'sentiment', value: 'neutral' })).status, 404);

  r = await petugas.get(`/api/v1/mentions/${m.id}/corrections`);
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.items.map((x) => [x.task, x.old_value, x.new_value, x.username, x.note]), [
    ['sentiment', cur, target, 'petugas1', 'dibaca petugas'],
    ['kind', curKind, targetKind, 'petugas1', ''],
  ]);
  assert.equal((await admin.get(`/api/v1/mentions/${m.id}`)).json.labels.sentiment, target);
  const audit = await admin.get('/api/v1/audit?action=mention.label_correct');
  assert.equal(audit.json.items.length, 3);
  assert.equal(audit.json.items.at(-1).details.new, target);
  assert.equal(audit.json.items.at(-1).details.old, cur);
  // The dashboard counts follow the corrected labels.
  const expected = { ...before };
  for (const [from, to] of [[cur, target], [otherCur, otherTarget]]) {
    expected[bucket(from)] -= 1;
    expected[bucket(to)] += 1;
  }
  assert.deepEqual((await admin.get('/api/v1/dashboard?hours=24')).json.by_sentiment, expected);

  // Export (the server keeps running: SQLite WAL allows a second process) and train from it.
  const out = mkdtempSync(join(tmpdir(), 'humas-corr-'));
  const tsv = join(out, 'sentiment.tsv');
  let x = cli(['corrections', 'export', '--data-dir', dataDir, '--task', 'sentiment', '--out', tsv]);
  assert.equal(x.status, 0, x.stderr);
  assert.match(x.stdout, /exported=2 task=sentiment/);
  const rows = readFileSync(tsv, 'utf8').trim().split('\n').map((l) => l.split('\t'));
  assert.equal(rows.length, 2);
  assert.ok(rows.some(([text, label]) => text === 'mantap casc #LayananSehat' && label === target));
  assert.ok(rows.some(([text, label]) => text === 'pelayanan lambat sekali 0' && label === otherTarget));
  x = cli(['corrections', 'export', '--data-dir', dataDir, '--task', 'mood', '--out', tsv]);
  assert.equal(x.status, 2);

  const model = join(out, 'sentiment.model');
  x = cli(['train', '--task', 'sentiment', '--data', tsv, '--init', join(ROOT, 'models', 'sentiment.model'), '--out', model, '--folds', '1']);
  assert.equal(x.status, 0, x.stderr + x.stdout);
  assert.ok(existsSync(model));
});
