// Integration: the directory (agencies, accounts, appointments), validation, and roles scoped per
// agency with deny-by-default — against the real server on loopback.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, newDataDir, addUser, loggedIn, Client, PASSWORD } from './lib.mjs';

let server, admin, ids = {};

before(async () => {
  const dataDir = newDataDir();
  addUser(dataDir, 'admin', 'admin');
  server = await startServer({ dataDir });
  admin = await loggedIn(server.url, 'admin');
  const region = (await admin.get('/api/v1/agencies?kind=region')).json.items[0];
  ids.region = region.id;
  for (const [code, name] of [['dinkes', 'Dinas Kesehatan'], ['dispupr', 'Dinas PUPR']]) {
    const r = await admin.post('/api/v1/agencies', { kind: 'agency', parent_id: region.id, name, code, timezone: 'Asia/Makassar' });
    assert.equal(r.status, 201, r.text);
    ids[code] = r.json.id;
  }
  const unit = await admin.post('/api/v1/agencies', { kind: 'unit', parent_id: ids.dinkes, name: 'Puskesmas Tanjung', code: 'pkm-tanjung' });
  assert.equal(unit.status, 201, unit.text);
  ids.pkm = unit.json.id;
  for (const [username, role, agency] of [
    ['petugas1', 'petugas', ids.dinkes],
    ['pejabat1', 'pejabat', ids.dinkes],
    ['pimpinan1', 'pimpinan', ids.region],
    ['koord1', 'koordinator', ids.region],
  ]) {
    const r = await admin.post('/api/v1/users', {
      username, display_name: username, password: PASSWORD, roles: [{ role, agency_id: agency }],
    });
    assert.equal(r.status, 201, r.text);
  }
});

after(async () => {
  await server?.stop();
});

test('agencies form a hierarchy with validated placement', async () => {
  const unitUnderRegion = await admin.post('/api/v1/agencies', { kind: 'unit', parent_id: ids.region, name: 'UPT Salah', code: 'upt-salah' });
  assert.equal(unitUnderRegion.status, 400);
  assert.equal(unitUnderRegion.json.error.field, 'parent_id');
  const badCode = await admin.post('/api/v1/agencies', { kind: 'agency', parent_id: ids.region, name: 'Dinas Sosial', code: 'Dinas Sosial!' });
  assert.equal(badCode.status, 400);
  assert.equal(badCode.json.error.field, 'code');
  const dup = await admin.post('/api/v1/agencies', { kind: 'agency', parent_id: ids.region, name: 'Dinkes Kedua', code: 'dinkes' });
  assert.equal(dup.status, 409);
  assert.equal(dup.json.error.code, 'already_exists');
  const badTz = await admin.post('/api/v1/agencies', { kind: 'agency', parent_id: ids.region, name: 'Dinas Waktu', code: 'waktu', timezone: 'Europe/Paris' });
  assert.equal(badTz.status, 400);
  const cycle = await admin.patch(`/api/v1/agencies/${ids.dinkes}`, { parent_id: ids.pkm });
  assert.equal(cycle.status, 400);
});

test('agencies can be edited, searched, deactivated and activated', async () => {
  const r = await admin.patch(`/api/v1/agencies/${ids.dispupr}`, { short_name: 'PUPR', email: 'pupr@sukamaju.example' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.short_name, 'PUPR');
  const badEmail = await admin.patch(`/api/v1/agencies/${ids.dispupr}`, { email: 'bukan email' });
  assert.equal(badEmail.status, 400);
  const search = await admin.get('/api/v1/agencies?q=kesehatan');
  assert.deepEqual(search.json.items.map((a) => a.code), ['dinkes']);
  const off = await admin.post(`/api/v1/agencies/${ids.dispupr}/deactivate`);
  assert.equal(off.json.active, false);
  const activeList = await admin.get('/api/v1/agencies');
  assert.ok(!activeList.json.items.some((a) => a.id === ids.dispupr));
  const on = await admin.post(`/api/v1/agencies/${ids.dispupr}/activate`);
  assert.equal(on.json.active, true);
});

test('accounts carry platform, type, status and the security checklist', async () => {
  const r = await admin.post('/api/v1/accounts', {
    agency_id: ids.dinkes, platform: 'instagram', platform_type: 'media_sharing', handle: '@dinkes.sukamaju',
    url: 'https://instagram.example/dinkes.sukamaju', status: 'active',
    security: { two_factor: true, recovery_owned_by_agency: true, custodian: 'Sekretaris Dinas', last_review: '2026-10-01' },
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.security_score, 2);
  assert.equal(r.json.agency_name, 'Dinas Kesehatan');
  ids.account = r.json.id;
  const dup = await admin.post('/api/v1/accounts', { agency_id: ids.dinkes, platform: 'instagram', platform_type: 'media_sharing', handle: '@DINKES.sukamaju' });
  assert.equal(dup.status, 409);
  const badUrl = await admin.post('/api/v1/accounts', { agency_id: ids.dinkes, platform: 'x', platform_type: 'microblog', handle: '@x1', url: 'javascript:alert(1)' });
  assert.equal(badUrl.status, 400);
  assert.equal(badUrl.json.error.field, 'url');
  const badPlatform = await admin.post('/api/v1/accounts', { agency_id: ids.dinkes, platform: 'myspace', platform_type: 'microblog', handle: '@x2' });
  assert.equal(badPlatform.status, 400);
  const off = await admin.post(`/api/v1/accounts/${ids.account}/deactivate`);
  assert.equal(off.json.status, 'inactive');
});

test('appointments record the decree and compute validity', async () => {
  const r = await admin.post('/api/v1/appointments', {
    agency_id: ids.dinkes, role: 'pejabat', person_name: 'dr. Siti Rahmawati', nip: '198001012005012001',
    position: 'Sekretaris Dinas', decree_number: '800/12/DINKES/2025', decree_date: '2025-01-02',
    valid_from: '2025-01-02', valid_until: '2025-12-31',
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.status, 'expired');  // today is past 2025
  const open = await admin.post('/api/v1/appointments', {
    agency_id: ids.dinkes, role: 'petugas', person_name: 'Andi Pratama', decree_number: '800/13/DINKES/2026',
    decree_date: '2026-01-05', valid_from: '2026-01-05',
  });
  assert.equal(open.status, 201, open.text);
  assert.equal(open.json.status, 'valid');
  const badDate = await admin.post('/api/v1/appointments', {
    agency_id: ids.dinkes, role: 'petugas', person_name: 'Rina', decree_number: '1', decree_date: '2026-02-30', valid_from: '2026-01-01',
  });
  assert.equal(badDate.status, 400);
  assert.equal(badDate.json.error.field, 'decree_date');
  const reversed = await admin.post('/api/v1/appointments', {
    agency_id: ids.dinkes, role: 'petugas', person_name: 'Rina', decree_number: '1', decree_date: '2026-01-01',
    valid_from: '2026-06-01', valid_until: '2026-01-01',
  });
  assert.equal(reversed.status, 400);
  const badNip = await admin.post('/api/v1/appointments', {
    agency_id: ids.dinkes, role: 'petugas', person_name: 'Rina', decree_number: '1', decree_date: '2026-01-01', valid_from: '2026-01-01', nip: '123',
  });
  assert.equal(badNip.status, 400);
  const expired = await admin.get(`/api/v1/appointments?agency_id=${ids.dinkes}&status=expired`);
  assert.equal(expired.json.items.length, 1);
  assert.equal(expired.json.total, 1);
  const valid = await admin.get(`/api/v1/appointments?agency_id=${ids.dinkes}&status=valid&limit=1&offset=0`);
  assert.equal(valid.json.total, 1);
  assert.equal(valid.json.items[0].person_name, 'Andi Pratama');
  const none = await admin.get(`/api/v1/appointments?status=expired&offset=1`);
  assert.equal(none.json.total, 1);
  assert.equal(none.json.items.length, 0);
  assert.equal((await admin.get('/api/v1/appointments?status=kadaluarsa')).status, 400);
});

test('a petugas sees only their agency and may not change the directory', async () => {
  const p = await loggedIn(server.url, 'petugas1');
  const list = await p.get('/api/v1/agencies');
  const codes = list.json.items.map((a) => a.code).sort();
  assert.deepEqual(codes, ['dinkes', 'pkm-tanjung']);
  const other = await p.get(`/api/v1/agencies/${ids.dispupr}`);
  assert.equal(other.status, 404);
  const create = await p.post('/api/v1/agencies', { kind: 'unit', parent_id: ids.dinkes, name: 'UPT Baru', code: 'upt-baru' });
  assert.equal(create.status, 403);
  const acc = await p.post('/api/v1/accounts', { agency_id: ids.dinkes, platform: 'x', platform_type: 'microblog', handle: '@petugas_coba' });
  assert.equal(acc.status, 403);
  const users = await p.get('/api/v1/users');
  assert.equal(users.status, 403);
  const audit = await p.get('/api/v1/audit');
  assert.equal(audit.status, 403);
});

test('a pejabat manages accounts of their own agency only', async () => {
  const p = await loggedIn(server.url, 'pejabat1');
  const own = await p.post('/api/v1/accounts', { agency_id: ids.pkm, platform: 'facebook', platform_type: 'social_network', handle: 'PuskesmasTanjung' });
  assert.equal(own.status, 201, own.text);
  const other = await p.post('/api/v1/accounts', { agency_id: ids.dispupr, platform: 'x', platform_type: 'microblog', handle: '@pupr_coba' });
  assert.equal(other.status, 400);  // the agency is not visible to them: "no such agency"
  const agencyEdit = await p.patch(`/api/v1/agencies/${ids.dinkes}`, { name: 'Dinas Kesehatan Baru' });
  assert.equal(agencyEdit.status, 403);
});

test('pimpinan reads everything but writes nothing; koordinator manages agencies', async () => {
  const pim = await loggedIn(server.url, 'pimpinan1');
  assert.equal((await pim.get(`/api/v1/agencies/${ids.dispupr}`)).status, 200);
  assert.equal((await pim.post('/api/v1/accounts', { agency_id: ids.dinkes, platform: 'x', platform_type: 'microblog', handle: '@pim' })).status, 403);
  const k = await loggedIn(server.url, 'koord1');
  const r = await k.post('/api/v1/agencies', { kind: 'agency', parent_id: ids.region, name: 'Dinas Sosial', code: 'dinsos' });
  assert.equal(r.status, 201, r.text);
  assert.equal((await k.post('/api/v1/users', { username: 'x1', display_name: 'x', password: PASSWORD, roles: [] })).status, 403);
});

test('a deactivated user is logged out and cannot log in', async () => {
  const created = await admin.post('/api/v1/users', { username: 'sementara', display_name: 'Sementara', password: PASSWORD, roles: [{ role: 'petugas', agency_id: ids.dinkes }] });
  assert.equal(created.status, 201);
  const s = await loggedIn(server.url, 'sementara');
  const off = await admin.patch(`/api/v1/users/${created.json.id}`, { active: false });
  assert.equal(off.status, 200, off.text);
  assert.equal((await s.get('/api/v1/auth/me')).status, 401);
  assert.equal((await new Client(server.url).login('sementara')).status, 401);
});
