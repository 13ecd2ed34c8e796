// Integration: near-duplicates flagged at intake. A copy-paste campaign of one text with small
// edits, imported through the API, is flagged against its first mention (originals and other
// texts are not); the list filters them in and out, the detail counts the cluster, an officer of
// another agency sees that a copy's original exists but not which mention it is, and a restarted
// server still recognises copies of what it stored before.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, newDataDir, addUser, loggedIn, PASSWORD } from './lib.mjs';

let dataDir, server, admin;
const ids = {};
const CAMPAIGN = 'Tolak kenaikan tarif air PDAM, warga Berau sudah susah jangan dibebani lagi #TolakTarifPDAM';

function line(external_id, text, agency, author = 'warga') {
  const created_at = new Date(Date.now() - 600000).toISOString();
  return JSON.stringify({ platform: 'x', external_id, author: { handle: author }, text, created_at, agency });
}

async function importLines(client, lines) {
  const r = await client.request('POST', '/api/v1/mentions/import', {
    body: lines.join('\n') + '\n',
    raw: true,
    headers: { 'content-type': 'application/x-ndjson' },
  });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

async function byExternalId(client, ext) {
  const r = await client.get('/api/v1/mentions?limit=200');
  assert.equal(r.status, 200, r.text);
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
    assert.equal(r.status, 201, r.text);
    ids[code] = r.json.id;
  }
  const u = await admin.post('/api/v1/users', { username: 'pupr1', display_name: 'pupr1', password: PASSWORD, roles: [{ role: 'petugas', agency_id: ids.dispupr }] });
  assert.equal(u.status, 201, u.text);
});

after(async () => {
  await server?.stop();
});

test('a copy-paste campaign with small edits is flagged against its first mention, other texts are not', async () => {
  const r = await importLines(admin, [
    line('orig', CAMPAIGN, 'dinkes', 'penggerak'),
    line('other1', 'Air PDAM di Tanjung Redeb keruh lagi sejak kemarin sore, mohon segera dicek petugas', 'dinkes'),
    line('copy1', CAMPAIGN, 'dinkes', 'akun1'),
    line('copy2', CAMPAIGN.replace('sudah susah', 'sudah sangat susah'), 'dinkes', 'akun2'),
    line('copy3', CAMPAIGN.toUpperCase() + ' @bupati_berau', 'dinkes', 'akun3'),
    line('copy4', CAMPAIGN.replace('jangan dibebani', 'tolong jangan diberatkan'), 'dispupr', 'akun4'),
    line('other2', 'Jalan poros Tanjung Redeb ke Talisayan rusak berat, truk sawit terus lewat tiap malam', 'dispupr'),
    line('short1', 'terima kasih pak', 'dinkes'),
    line('short2', 'terima kasih pak', 'dinkes'),
  ]);
  assert.equal(r.imported, 9);
  const orig = await byExternalId(admin, 'orig');
  assert.equal(orig.near_duplicate_of, null);
  assert.equal(orig.near_duplicate_similarity, null);
  assert.equal(orig.near_duplicate_outside_scope, false);
  for (const ext of ['other1', 'other2', 'short1', 'short2']) {
    const m = await byExternalId(admin, ext);
    assert.equal(m.near_duplicate_of, null, ext);
  }
  for (const ext of ['copy1', 'copy2', 'copy3', 'copy4']) {
    const m = await byExternalId(admin, ext);
    assert.equal(m.near_duplicate_of, orig.id, ext);
    assert.ok(m.near_duplicate_similarity >= 0.5 && m.near_duplicate_similarity <= 1, `${ext}: ${m.near_duplicate_similarity}`);
  }
  assert.equal((await byExternalId(admin, 'copy1')).near_duplicate_similarity, 1);
  assert.ok((await byExternalId(admin, 'copy4')).near_duplicate_similarity < 1);

  // The list: copies of one original, only the flagged, or everything but them.
  let l = await admin.get(`/api/v1/mentions?near_duplicate_of=${orig.id}`);
  assert.equal(l.status, 200, l.text);
  assert.deepEqual(l.json.items.map((m) => m.external_id).sort(), ['copy1', 'copy2', 'copy3', 'copy4']);
  l = await admin.get('/api/v1/mentions?near_dup=only');
  assert.equal(l.json.total, 4);
  l = await admin.get('/api/v1/mentions?near_dup=exclude');
  assert.equal(l.json.total, 5);
  assert.ok(l.json.items.every((m) => m.near_duplicate_of === null));
  assert.equal((await admin.get('/api/v1/mentions?near_dup=maybe')).status, 400);
  assert.equal((await admin.get('/api/v1/mentions?near_duplicate_of=abc')).status, 400);

  // The detail counts the cluster (the copies of its first mention), from the original and a copy.
  let d = await admin.get(`/api/v1/mentions/${orig.id}`);
  assert.equal(d.status, 200, d.text);
  assert.equal(d.json.near_duplicate_copies, 4);
  const copy2 = await byExternalId(admin, 'copy2');
  d = await admin.get(`/api/v1/mentions/${copy2.id}`);
  assert.equal(d.json.near_duplicate_of, orig.id);
  assert.equal(d.json.near_duplicate_copies, 4);
});

test('an officer of another agency sees that a copy has an original outside their scope, not which', async () => {
  const pupr = await loggedIn(server.url, 'pupr1');
  const copy4 = await byExternalId(pupr, 'copy4');
  assert.equal(copy4.near_duplicate_of, null);
  assert.equal(copy4.near_duplicate_outside_scope, true);
  assert.ok(copy4.near_duplicate_similarity >= 0.5);
  const d = await pupr.get(`/api/v1/mentions/${copy4.id}`);
  assert.equal(d.json.near_duplicate_of, null);
  assert.equal(d.json.near_duplicate_copies, 1);  // only the copy in their own scope
  // Their list filters by the flag all the same, within their scope.
  const only = await pupr.get('/api/v1/mentions?near_dup=only');
  assert.deepEqual(only.json.items.map((m) => m.external_id), ['copy4']);
});

test('after a restart, copies of mentions stored before it are still flagged', async () => {
  const orig = await byExternalId(admin, 'orig');
  await server.stop({ keepData: true });
  server = await startServer({ dataDir });
  admin = await loggedIn(server.url, 'admin');
  const r = await importLines(admin, [line('copy5', CAMPAIGN + ' sekali lagi', 'dinkes', 'akun5')]);
  assert.equal(r.imported, 1);
  const m = await byExternalId(admin, 'copy5');
  assert.equal(m.near_duplicate_of, orig.id);
  const d = await admin.get(`/api/v1/mentions/${orig.id}`);
  assert.equal(d.json.near_duplicate_copies, 5);
});
