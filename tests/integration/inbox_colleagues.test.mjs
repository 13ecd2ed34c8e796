// GET /api/v1/inbox/colleagues against the real server: the active officers a case of an agency
// can be assigned to, scoped to the caller (out-of-scope agency 404, a role that works no inbox
// 403), roles shown only on agencies the caller can read; and an assignment to a listed colleague
// is accepted while one to an officer of another agency is refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, newDataDir, addUser, loggedIn, PASSWORD } from './lib.mjs';

let server, admin;
const ids = {};
const as = {};

before(async () => {
  const dataDir = newDataDir();
  addUser(dataDir, 'admin', 'admin');
  server = await startServer({ dataDir });
  admin = await loggedIn(server.url, 'admin');
  const region = (await admin.get('/api/v1/agencies?kind=region')).json.items[0];
  ids.region = region.id;
  for (const [code, name] of [['dinkes', 'Dinas Kesehatan'], ['pupr', 'Dinas PUPR']]) {
    const r = await admin.post('/api/v1/agencies', { kind: 'agency', parent_id: region.id, name, code });
    assert.equal(r.status, 201, r.text);
    ids[code] = r.json.id;
  }
  const users = [
    ['koordinator', 'Koordinator Wilayah', [['koordinator', ids.region]]],
    ['pejabat.dinkes', 'Pejabat Dinkes', [['pejabat', ids.dinkes]]],
    ['petugas.dinkes', 'Petugas Dinkes', [['petugas', ids.dinkes]]],
    ['lama.dinkes', 'Petugas Lama', [['petugas', ids.dinkes]]],
    ['petugas.pupr', 'Petugas PUPR', [['petugas', ids.pupr]]],
    ['ganda', 'Petugas Ganda', [['petugas', ids.dinkes], ['pejabat', ids.pupr]]],
    ['pimpinan', 'Pimpinan', [['pimpinan', ids.region]]],
  ];
  for (const [username, display_name, roles] of users) {
    const r = await admin.post('/api/v1/users', {
      username, display_name, password: PASSWORD, roles: roles.map(([role, agency_id]) => ({ role, agency_id })),
    });
    assert.equal(r.status, 201, r.text);
    ids[username] = r.json.id;
  }
  const off = await admin.patch(`/api/v1/users/${ids['lama.dinkes']}`, { active: false });
  assert.equal(off.status, 200, off.text);
  for (const u of ['petugas.dinkes', 'pimpinan', 'petugas.pupr']) as[u] = await loggedIn(server.url, u);
});

after(async () => {
  await server?.stop();
});

const names = (r) => r.json.items.map((c) => c.username);

test('the officers of an agency, active only, sorted by name (case-insensitive)', async () => {
  const r = await as['petugas.dinkes'].get(`/api/v1/inbox/colleagues?agency_id=${ids.dinkes}`);
  assert.equal(r.status, 200, r.text);
  // admin and koordinator hold their roles on the region, which covers Dinkes.
  assert.deepEqual(names(r), ['admin', 'koordinator', 'pejabat.dinkes', 'petugas.dinkes', 'ganda']);
  assert.ok(!names(r).includes('lama.dinkes'));   // inactive
  assert.ok(!names(r).includes('petugas.pupr'));  // another agency
  assert.ok(!names(r).includes('pimpinan'));      // reads only
  assert.ok(!r.text.includes('password') && !r.text.includes('email'));
  // Without agency_id: the agencies whose inbox the caller works (here only Dinkes).
  const all = await as['petugas.dinkes'].get('/api/v1/inbox/colleagues');
  assert.deepEqual(names(all), names(r));
});

test('a colleague’s roles are shown only on agencies the caller can read', async () => {
  const r = await as['petugas.dinkes'].get(`/api/v1/inbox/colleagues?agency_id=${ids.dinkes}`);
  const ganda = r.json.items.find((c) => c.username === 'ganda');
  assert.deepEqual(ganda.roles, [{ role: 'petugas', agency_id: ids.dinkes, agency_name: 'Dinas Kesehatan' }]);
  const full = (await admin.get(`/api/v1/inbox/colleagues?agency_id=${ids.pupr}`)).json.items.find((c) => c.username === 'ganda');
  assert.equal(full.roles.length, 2);
});

test('scope: another agency is 404, a reading role 403, bad ids 400', async () => {
  assert.equal((await as['petugas.dinkes'].get(`/api/v1/inbox/colleagues?agency_id=${ids.pupr}`)).status, 404);
  assert.equal((await as['petugas.dinkes'].get('/api/v1/inbox/colleagues?agency_id=99999')).status, 404);
  assert.equal((await as.pimpinan.get(`/api/v1/inbox/colleagues?agency_id=${ids.dinkes}`)).status, 403);
  assert.equal((await as.pimpinan.get('/api/v1/inbox/colleagues')).status, 403);
  assert.equal((await as['petugas.dinkes'].get('/api/v1/inbox/colleagues?agency_id=abc')).status, 400);
  const pupr = await as['petugas.pupr'].get('/api/v1/inbox/colleagues');
  assert.ok(names(pupr).includes('ganda') && names(pupr).includes('petugas.pupr'));
  assert.ok(!names(pupr).includes('petugas.dinkes'));
});

test('a listed colleague can be assigned; an officer of another agency cannot', async () => {
  const imp = await admin.request('POST', '/api/v1/mentions/import', {
    raw: true, headers: { 'content-type': 'application/x-ndjson' },
    body: JSON.stringify({ platform: 'x', external_id: 'q1', author: { handle: 'warga1' }, text: 'Kapan jadwal vaksin di puskesmas?', created_at: new Date().toISOString(), agency: 'dinkes' }) + '\n',
  });
  assert.equal(imp.json.imported, 1, imp.text);
  const mention = (await admin.get('/api/v1/mentions?q=vaksin')).json.items[0];
  const opened = await as['petugas.dinkes'].post('/api/v1/cases', { mention_id: mention.id });
  assert.ok([200, 201].includes(opened.status), opened.text);
  const kase = opened.json;
  let r = await as['petugas.dinkes'].patch(`/api/v1/cases/${kase.id}`, { version: kase.version, assignee_id: ids['petugas.pupr'] });
  assert.equal(r.status, 400);
  r = await as['petugas.dinkes'].patch(`/api/v1/cases/${kase.id}`, { version: kase.version, assignee_id: ids.ganda });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.assignee.username, 'ganda');
});
