// Integration: agency queries (social listening) against the real server on loopback — CRUD with
// role and agency scope, audit, parse errors with position, preview over stored mentions,
// matching at intake (stored matches, mention search by query, hourly counts, live events with
// query ids), optimistic concurrency, and the CLI import path.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, newDataDir, addUser, loggedIn, cli, PASSWORD } from './lib.mjs';

let server, admin, petugas, pimpinan, ids = {};
const now = Date.now();
const iso = (minutesAgo) => new Date(now - minutesAgo * 60000).toISOString();
const jsonl = (rows) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
const mention = (id, text, extra = {}) => ({ platform: 'x', external_id: id, author: { handle: 'warga_' + id }, text, created_at: iso(5), ...extra });

function importFile(client, body) {
  return client.request('POST', '/api/v1/mentions/import', { body, raw: true, headers: { 'content-type': 'application/x-ndjson' } });
}

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
  for (const [username, role] of [['petugas1', 'petugas'], ['pimpinan1', 'pimpinan']]) {
    const u = await admin.post('/api/v1/users', { username, display_name: username, password: PASSWORD, roles: [{ role, agency_id: ids.dinkes }] });
    assert.equal(u.status, 201, u.text);
  }
  petugas = await loggedIn(server.url, 'petugas1');
  pimpinan = await loggedIn(server.url, 'pimpinan1');
  // Stored before any query exists: only the preview can find these.
  const r = await importFile(admin, jsonl([
    mention('old1', 'Vaksinasi di puskesmas Tanjung lancar #vaksin', { agency: 'dinkes', created_at: iso(60) }),
    mention('old2', 'Dinkesos bagi bantuan sosial', { agency: 'dinkes', created_at: iso(50) }),
    mention('old3', 'Jalan rusak dekat puskesmas', { agency: 'dispupr', created_at: iso(40) }),
  ]));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.imported, 3);
});

after(async () => {
  await server?.stop();
});

test('an expression the parser refuses answers 400 with the reason code and position', async () => {
  const cases = [
    ['vaksin AND', 'missing_operand', 10],
    ['(banjir OR longsor', 'unclosed_paren', 0],
    ['NOT hoaks', 'matches_everything', 0],
    ['a "b', 'unclosed_quote', 2],
    // Empty and over-long expressions carry reason codes too (the page translates them).
    ['   ', 'empty', 0],
    ['banjir '.repeat(300), 'too_long', 2000],
    ['(a AND (b OR #)', 'empty_term', 13],
  ];
  for (const [expression, reason, position] of cases) {
    const r = await admin.post('/api/v1/queries/preview', { expression });
    assert.equal(r.status, 400, expression);
    assert.equal(r.json.error.code, 'invalid_argument');
    assert.equal(r.json.error.field, 'expression');
    assert.equal(r.json.error.reason, reason, expression);
    assert.equal(r.json.error.position, position, expression);
    const c = await admin.post('/api/v1/queries', { agency_id: ids.dinkes, name: 'x', expression });
    assert.equal(c.status, 400);
    assert.equal(c.json.error.reason, reason);
  }
  assert.equal((await admin.get('/api/v1/queries')).json.total, 0, 'nothing was saved');
});

test('preview shows what a query would have matched in stored data, within the caller scope', async () => {
  const r = await admin.post('/api/v1/queries/preview', { expression: 'vaksin* OR puskesmas' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.count, 2);
  assert.equal(r.json.capped, false);
  assert.equal(r.json.scanned, 3);
  assert.deepEqual(r.json.items.map((m) => m.external_id), ['old3', 'old1']);
  // Word boundaries: "dinkes" does not match "Dinkesos" unless asked for with a prefix.
  assert.equal((await admin.post('/api/v1/queries/preview', { expression: 'dinkes' })).json.count, 0);
  assert.equal((await admin.post('/api/v1/queries/preview', { expression: 'dinkes*' })).json.count, 1);
  assert.equal((await admin.post('/api/v1/queries/preview', { expression: '#vaksin' })).json.count, 1);
  assert.equal((await admin.post('/api/v1/queries/preview', { expression: 'puskesmas', platforms: ['facebook'] })).json.count, 0);
  // The petugas of Dinkes sees only Dinkes's mentions.
  const p = await petugas.post('/api/v1/queries/preview', { expression: 'puskesmas' });
  assert.equal(p.status, 200, p.text);
  assert.deepEqual(p.json.items.map((m) => m.external_id), ['old1']);
  const bad = await admin.post('/api/v1/queries/preview', { expression: 'a', languages: ['jv'] });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.field, 'languages');
});

test('queries are scoped by agency and role, versioned and audited', async () => {
  const created = await petugas.post('/api/v1/queries', { agency_id: ids.dinkes, name: 'Vaksinasi', expression: 'vaksin* OR "imunisasi anak"', platforms: ['x', 'instagram'], languages: ['id'] });
  assert.equal(created.status, 201, created.text);
  const q = created.json;
  assert.equal(q.version, 1);
  assert.equal(q.active, true);
  assert.equal(q.agency_name, 'Dinas Kesehatan');
  assert.deepEqual(q.platforms, ['x', 'instagram']);
  // Another agency's queries are out of the petugas's scope: 404, not 403.
  const other = await petugas.post('/api/v1/queries', { agency_id: ids.dispupr, name: 'Jalan', expression: 'jalan' });
  assert.equal(other.status, 404);
  const dispupr = await admin.post('/api/v1/queries', { agency_id: ids.dispupr, name: 'Jalan', expression: 'jalan rusak' });
  assert.equal(dispupr.status, 201);
  assert.equal((await petugas.get(`/api/v1/queries/${dispupr.json.id}`)).status, 404);
  assert.deepEqual((await petugas.get('/api/v1/queries')).json.items.map((x) => x.name), ['Vaksinasi']);
  assert.equal((await admin.get('/api/v1/queries')).json.total, 2);
  // pimpinan reads but never writes.
  assert.equal((await pimpinan.get(`/api/v1/queries/${q.id}`)).status, 200);
  assert.equal((await pimpinan.post('/api/v1/queries', { agency_id: ids.dinkes, name: 'P', expression: 'p' })).status, 403);
  assert.equal((await pimpinan.request('PATCH', `/api/v1/queries/${q.id}`, { body: { version: 1, active: false } })).status, 403);
  // Same name in the same agency.
  const dup = await petugas.post('/api/v1/queries', { agency_id: ids.dinkes, name: 'VAKSINASI', expression: 'x' });
  assert.equal(dup.status, 409);
  assert.equal(dup.json.error.code, 'already_exists');
  // Unknown fields are refused.
  assert.equal((await petugas.post('/api/v1/queries', { agency_id: ids.dinkes, name: 'Z', expression: 'z', colour: 'red' })).status, 400);
  // Optimistic concurrency: a stale version is a conflict and changes nothing.
  const upd = await petugas.request('PATCH', `/api/v1/queries/${q.id}`, { body: { version: 1, name: 'Vaksinasi anak' } });
  assert.equal(upd.status, 200, upd.text);
  assert.equal(upd.json.version, 2);
  const stale = await admin.request('PATCH', `/api/v1/queries/${q.id}`, { body: { version: 1, active: false } });
  assert.equal(stale.status, 409);
  assert.equal(stale.json.error.code, 'conflict');
  assert.equal((await admin.get(`/api/v1/queries/${q.id}`)).json.active, true);
  const audit = await admin.get('/api/v1/audit?action=query.');
  assert.deepEqual(audit.json.items.map((e) => e.action).slice(0, 3), ['query.update', 'query.create', 'query.create']);
  ids.vaksin = q.id;
  ids.jalan = dispupr.json.id;
});

test('every incoming mention is matched at intake: stored matches, search by query, counts, live events', async () => {
  // Subscribe before importing; collect mention events until the two expected arrive.
  const res = await fetch(server.url + '/api/v1/events', { headers: { cookie: admin.cookie } });
  assert.equal(res.status, 200);
  const reader = res.body.getReader();
  const events = (async () => {
    const got = {};
    const decoder = new TextDecoder();
    let buf = '';
    while (Object.keys(got).length < 3) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += decoder.decode(value, { stream: true });
      let idx;
      while ((idx = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, idx);
        buf = buf.slice(idx + 2);
        if (/^event: ?mention$/m.test(block)) {
          const data = JSON.parse(block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.replace(/^data: ?/, '')).join('\n'));
          got[data.external_id] = data.query_ids;
        }
      }
    }
    await reader.cancel().catch(() => {});
    return got;
  })();
  const r = await importFile(admin, jsonl([
    mention('new1', 'Jadwal vaksinasi di puskesmas Tanjung besok pagi'),
    mention('new2', 'Jalan rusak parah di depan kantor camat', { agency: 'dispupr' }),
    mention('new3', 'Vaksinasi lancar', { platform: 'facebook' }),  // outside the platform filter
  ]));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.imported, 3);
  const got = await events;
  assert.deepEqual(got.new1, [ids.vaksin]);
  assert.deepEqual(got.new2, [ids.jalan]);
  assert.deepEqual(got.new3, []);

  const byQuery = await admin.get(`/api/v1/mentions?query_id=${ids.vaksin}`);
  assert.equal(byQuery.status, 200, byQuery.text);
  assert.deepEqual(byQuery.json.items.map((m) => m.external_id), ['new1']);  // old ones predate the query
  assert.equal((await petugas.get(`/api/v1/mentions?query_id=${ids.jalan}`)).status, 404);
  const hourly = await admin.get(`/api/v1/queries/${ids.jalan}/hourly?hours=3`);
  assert.equal(hourly.status, 200, hourly.text);
  assert.equal(hourly.json.total, 1);
  assert.equal(hourly.json.series.length, 3);
  assert.equal(hourly.json.series.reduce((n, h) => n + h.count, 0), 1);
  // A duplicate import is not matched or counted again.
  await importFile(admin, jsonl([mention('new2', 'Jalan rusak parah di depan kantor camat', { agency: 'dispupr' })]));
  assert.equal((await admin.get(`/api/v1/queries/${ids.jalan}/hourly?hours=3`)).json.total, 1);
});

test('deactivating and deleting take effect at intake at once', async () => {
  const q = (await admin.get(`/api/v1/queries/${ids.jalan}`)).json;
  const off = await admin.request('PATCH', `/api/v1/queries/${q.id}`, { body: { version: q.version, active: false } });
  assert.equal(off.status, 200, off.text);
  await importFile(admin, jsonl([mention('new4', 'jalan rusak lagi', { agency: 'dispupr' })]));
  assert.deepEqual((await admin.get(`/api/v1/mentions?query_id=${q.id}`)).json.items.map((m) => m.external_id), ['new2']);
  const del = await admin.request('DELETE', `/api/v1/queries/${q.id}`);
  assert.equal(del.status, 204);
  assert.equal((await admin.get(`/api/v1/queries/${q.id}`)).status, 404);
  assert.equal((await admin.get('/api/v1/audit?action=query.delete')).json.total, 1);
});

test('the CLI import matches against the stored active queries too', async () => {
  const file = join(server.dataDir, 'cli.jsonl');
  writeFileSync(file, jsonl([mention('cli1', 'imunisasi anak di posyandu', { platform: 'instagram' })]));
  const r = cli(['ingest', '--data-dir', server.dataDir, file]);
  assert.equal(r.status, 0, r.stderr);
  const items = (await admin.get(`/api/v1/mentions?query_id=${ids.vaksin}`)).json.items.map((m) => m.external_id);
  assert.ok(items.includes('cli1'), JSON.stringify(items));
});
