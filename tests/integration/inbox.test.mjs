// Integration: the inbox (issue 6) against the real server on loopback — a citizen's question
// becomes a case, is forwarded to the responsible agency with a deadline, answered there, and
// answered back; scope, audit, bad input, and two officers acting on one case at once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, newDataDir, addUser, loggedIn, PASSWORD } from './lib.mjs';

let server, admin;
const ids = {};
const users = {};
const now = Date.now();
const iso = (minutesAgo) => new Date(now - minutesAgo * 60000).toISOString();

async function makeUser(username, role, agency) {
  const r = await admin.post('/api/v1/users', { username, display_name: username, password: PASSWORD, roles: [{ role, agency_id: agency }] });
  assert.equal(r.status, 201, r.text);
  users[username] = await loggedIn(server.url, username);
  users[username].id = r.json.id;
}

before(async () => {
  const dataDir = newDataDir();
  addUser(dataDir, 'admin', 'admin');
  server = await startServer({ dataDir });
  admin = await loggedIn(server.url, 'admin');
  const region = (await admin.get('/api/v1/agencies?kind=region')).json.items[0];
  ids.region = region.id;
  for (const [code, name] of [['diskominfo', 'Diskominfo'], ['dinkes', 'Dinas Kesehatan'], ['dukcapil', 'Disdukcapil']]) {
    const r = await admin.post('/api/v1/agencies', { kind: 'agency', parent_id: region.id, name, code, timezone: 'Asia/Makassar' });
    assert.equal(r.status, 201, r.text);
    ids[code] = r.json.id;
  }
  await makeUser('petugas1', 'petugas', ids.diskominfo);
  await makeUser('petugas2', 'petugas', ids.diskominfo);
  await makeUser('pejabat_dinkes', 'pejabat', ids.dinkes);
  await makeUser('petugas_dinkes', 'petugas', ids.dinkes);
  await makeUser('koord', 'koordinator', ids.region);
  await makeUser('pimpinan1', 'pimpinan', ids.diskominfo);
  const lines = [
    { platform: 'x', external_id: 'q1', author: { handle: 'warga_berau', name: 'Warga Berau' }, text: 'Kapan vaksin polio untuk balita tersedia di puskesmas Tanjung Redeb?', created_at: iso(60), agency: 'diskominfo', kind: 'comment', in_reply_to: 'post-1' },
    { platform: 'x', external_id: 'q2', author: { handle: 'warga_berau', name: 'Warga Berau' }, text: 'Halo min, mohon dijawab ya', created_at: iso(50), agency: 'diskominfo', kind: 'reply', in_reply_to: 'q1' },
    { platform: 'x', external_id: 'q3', author: { handle: 'budi' }, text: 'Jalan rusak di Gunung Tabur', created_at: iso(40), agency: 'dinkes' },
  ].map((l) => JSON.stringify(l)).join('\n');
  const imp = await admin.request('POST', '/api/v1/mentions/import', { body: lines, raw: true, headers: { 'content-type': 'application/x-ndjson' } });
  assert.equal(imp.status, 200, imp.text);
  assert.equal(imp.json.imported, 3, imp.text);
});

after(async () => {
  await server?.stop();
});

async function mentionId(ext) {
  const r = await admin.get('/api/v1/mentions?limit=200');
  return r.json.items.find((m) => m.external_id === ext).id;
}

let caseId;

test('an officer opens a case from a mention; the follow-up joins it; scope hides it', async () => {
  const p = users.petugas1;
  // A mention the language engine labelled pertanyaan/keluhan/kritik/saran opened its case at
  // intake already (200 with that case); any other is opened now (201).
  const q1 = (await admin.get(`/api/v1/mentions/${await mentionId('q1')}`)).json;
  const auto = ['pertanyaan', 'keluhan', 'kritik', 'saran'].includes(q1.labels.input_kind);
  const r = await p.post('/api/v1/cases', { mention_id: q1.id });
  assert.equal(r.status, auto ? 200 : 201, r.text);
  caseId = r.json.id;
  assert.equal(r.json.state, 'baru');
  assert.equal(r.json.agency_name, 'Diskominfo');
  assert.equal(r.json.citizen.handle, 'warga_berau');
  const again = await p.post('/api/v1/cases', { mention_id: await mentionId('q1') });
  assert.equal(again.status, 200);
  assert.equal(again.json.id, caseId);
  const follow = await p.post('/api/v1/cases', { mention_id: await mentionId('q2') });
  assert.equal(follow.json.id, caseId, 'a reply in the same thread by the same citizen joins the case');
  const detail = await p.get(`/api/v1/cases/${caseId}`);
  assert.equal(detail.status, 200);
  assert.deepEqual(detail.json.mentions.map((m) => m.external_id), ['q1', 'q2']);
  assert.equal(detail.json.reply_limit.max_chars, 280);
  assert.equal(detail.json.reply_limit.sendable, false, 'no X sender is configured');
  const list = await p.get('/api/v1/cases?state=baru');
  assert.ok(list.json.items.some((c) => c.id === caseId));
  // Dinkes cannot see Diskominfo's case (404, not 403) until it is forwarded there.
  assert.equal((await users.pejabat_dinkes.get(`/api/v1/cases/${caseId}`)).status, 404);
  // A mention outside the caller's scope cannot be opened.
  assert.equal((await p.post('/api/v1/cases', { mention_id: await mentionId('q3') })).status, 404);
  // pimpinan reads but never writes.
  assert.equal((await users.pimpinan1.get(`/api/v1/cases/${caseId}`)).status, 200);
  const counts = await p.get('/api/v1/cases/counts');
  assert.equal(counts.json.baru, 1);
});

test('bad input is refused and changes nothing', async () => {
  const p = users.petugas1;
  const c = (await p.get(`/api/v1/cases/${caseId}`)).json.case;
  assert.equal((await p.patch(`/api/v1/cases/${caseId}`, { version: c.version, colour: 'red' })).status, 400);
  assert.equal((await p.patch(`/api/v1/cases/${caseId}`, { version: c.version, priority: 'urgent' })).json.error.field, 'priority');
  assert.equal((await p.post(`/api/v1/cases/${caseId}/transition`, { version: c.version, to: 'dijawab' })).status, 409);
  const long = await p.post(`/api/v1/cases/${caseId}/replies`, { text: 'x'.repeat(281), idempotency_key: 'too-long-0001', case_version: c.version });
  assert.equal(long.status, 400);
  assert.equal(long.json.error.field, 'text');
  assert.equal((await p.get('/api/v1/cases?cursor=abc')).status, 400);
  assert.equal((await users.pimpinan1.patch(`/api/v1/cases/${caseId}`, { version: c.version, priority: 'tinggi' })).status, 403);
  assert.equal((await p.get(`/api/v1/cases/${caseId}`)).json.case.version, c.version);
});

test('assigning with a stale version is a conflict; notes notify the colleagues named', async () => {
  const p = users.petugas1;
  const c = (await p.get(`/api/v1/cases/${caseId}`)).json.case;
  const a = await p.patch(`/api/v1/cases/${caseId}`, { version: c.version, assignee_id: users.petugas2.id });
  assert.equal(a.status, 200, a.text);
  assert.equal(a.json.assignee.username, 'petugas2');
  const stale = await users.petugas2.patch(`/api/v1/cases/${caseId}`, { version: c.version, priority: 'tinggi' });
  assert.equal(stale.status, 409);
  assert.equal(stale.json.error.code, 'conflict');
  const n = await p.post(`/api/v1/cases/${caseId}/notes`, { text: 'Tolong cek @petugas2 dan @nobody' });
  assert.equal(n.status, 201);
  assert.deepEqual(n.json.mentions, ['petugas2']);
  const notes = await users.petugas2.get('/api/v1/notifications?unread=true');
  assert.ok(notes.json.items.some((x) => x.kind === 'mention' && x.case_id === caseId), notes.text);
  assert.ok(notes.json.items.some((x) => x.kind === 'assigned'));
});

let dispositionId;

test('forwarding starts the clock; two answers at once: one wins, nothing is lost', async () => {
  const p = users.petugas1;
  const c = (await p.get(`/api/v1/cases/${caseId}`)).json.case;
  const own = await p.post(`/api/v1/cases/${caseId}/dispositions`, { version: c.version, to_agency_ids: [ids.diskominfo], question: 'x' });
  assert.equal(own.status, 400);
  const f = await p.post(`/api/v1/cases/${caseId}/dispositions`, { version: c.version, to_agency_ids: [ids.dinkes], question: 'Kapan vaksin polio balita tersedia?', context: 'Pertanyaan warga di X' });
  assert.equal(f.status, 201, f.text);
  assert.equal(f.json.case.state, 'menunggu_instansi');
  const d = f.json.items[0];
  dispositionId = d.id;
  assert.equal(d.state, 'menunggu');
  assert.equal(d.sla.mode, 'calendar');
  assert.equal(d.sla.status, 'on_track');
  const hours = (Date.parse(d.deadline_at) - Date.parse(d.created_at)) / 3600000;
  assert.equal(hours, 24);
  // The receiving agency sees it in its incoming box and may open the case.
  const box = await users.pejabat_dinkes.get('/api/v1/dispositions?box=incoming&state=menunggu');
  assert.equal(box.json.items.length, 1);
  assert.equal(box.json.total, 1);
  assert.equal(box.json.items[0].case.id, caseId);
  assert.equal((await users.pejabat_dinkes.get(`/api/v1/cases/${caseId}`)).status, 200);
  const told = await users.petugas_dinkes.get('/api/v1/notifications');
  assert.ok(told.json.items.some((x) => x.kind === 'disposition' && x.disposition_id === d.id));
  // The forwarding agency cannot answer its own disposition.
  assert.equal((await p.post(`/api/v1/dispositions/${d.id}/answer`, { version: d.version, answer: 'x' })).status, 403);

  const [a, b] = await Promise.all([
    users.pejabat_dinkes.post(`/api/v1/dispositions/${d.id}/answer`, { version: d.version, answer: 'Tersedia mulai Senin di semua puskesmas.' }),
    users.petugas_dinkes.post(`/api/v1/dispositions/${d.id}/refuse`, { version: d.version, reason: 'bukan kewenangan kami' }),
  ]);
  const statuses = [a.status, b.status].sort();
  assert.deepEqual(statuses, [200, 409], `${a.text} ${b.text}`);
  const winner = a.status === 200 ? a.json : b.json;
  const stored = (await p.get(`/api/v1/cases/${caseId}`)).json;
  const sd = stored.dispositions.find((x) => x.id === d.id);
  assert.equal(sd.state, winner.state);
  assert.equal(sd.answer, winner.answer);
  assert.equal(stored.case.state, 'dibuka', 'nothing is waiting any more: back to the officer');
  assert.equal(stored.case.due_at, null);
  const back = await p.get('/api/v1/notifications');
  assert.ok(back.json.items.some((x) => x.kind === 'disposition_answered'));
});

test('a petugas sees every active agency of the region as a disposition target, and only those', async () => {
  // A second region with its own agency; an inactive agency in this one.
  const other = await admin.post('/api/v1/agencies', { kind: 'region', name: 'Kabupaten Kutai Timur', code: 'kutim', timezone: 'Asia/Makassar' });
  assert.equal(other.status, 201, other.text);
  const foreign = await admin.post('/api/v1/agencies', { kind: 'agency', parent_id: other.json.id, name: 'Dinkes Kutim', code: 'dinkes-kutim' });
  const closed = await admin.post('/api/v1/agencies', { kind: 'agency', parent_id: ids.region, name: 'Dinas Lama', code: 'dinas-lama' });
  assert.equal((await admin.post(`/api/v1/agencies/${closed.json.id}/deactivate`, {})).status, 200);
  const unit = await admin.post('/api/v1/agencies', { kind: 'unit', parent_id: ids.dinkes, name: 'Puskesmas Tanjung Redeb', code: 'pkm-tanjung' });
  assert.equal(unit.status, 201, unit.text);
  // The petugas' own directory holds only Diskominfo...
  const scope = (await users.petugas1.get('/api/v1/agencies?limit=200')).json.items.map((a) => a.code);
  assert.deepEqual(scope, ['diskominfo']);
  // ...but the targets are the region's other active agencies and units, public fields only.
  const t = await users.petugas1.get(`/api/v1/dispositions/targets?from_agency_id=${ids.diskominfo}`);
  assert.equal(t.status, 200, t.text);
  assert.equal(t.json.region_id, ids.region);
  assert.deepEqual(t.json.items.map((x) => x.code).sort(), ['dinkes', 'dukcapil', 'pkm-tanjung']);
  const dinkes = t.json.items.find((x) => x.code === 'dinkes');
  assert.deepEqual(Object.keys(dinkes).sort(), ['code', 'deadline_at', 'id', 'kind', 'name', 'parent_id', 'sla', 'timezone']);
  assert.equal(dinkes.timezone, 'Asia/Makassar');
  assert.ok(Date.parse(dinkes.deadline_at) > Date.now());
  assert.equal(t.json.items.find((x) => x.code === 'pkm-tanjung').parent_id, ids.dinkes);
  // Out of scope → 404; a reading role → 403; bad input → 400.
  assert.equal((await users.petugas1.get(`/api/v1/dispositions/targets?from_agency_id=${ids.dinkes}`)).status, 404);
  assert.equal((await users.pimpinan1.get(`/api/v1/dispositions/targets?from_agency_id=${ids.diskominfo}`)).status, 403);
  assert.equal((await users.petugas1.get('/api/v1/dispositions/targets')).status, 400);
  // Forwarding outside the region or to an inactive agency is refused and changes nothing.
  const c = (await users.petugas1.get(`/api/v1/cases/${caseId}`)).json.case;
  for (const bad of [foreign.json.id, closed.json.id, ids.region]) {
    const r = await users.petugas1.post(`/api/v1/cases/${caseId}/dispositions`, { version: c.version, to_agency_ids: [bad], question: 'x' });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json.error.field, 'to_agency_ids');
  }
  assert.equal((await users.petugas1.get(`/api/v1/cases/${caseId}`)).json.case.version, c.version);
});

test('two officers answering one case at once: one reply, the other told to reload', async () => {
  const c = (await users.petugas1.get(`/api/v1/cases/${caseId}`)).json.case;
  const [a, b] = await Promise.all([
    users.petugas1.post(`/api/v1/cases/${caseId}/replies`, { text: 'Vaksin polio tersedia mulai Senin.', idempotency_key: 'petugas1-reply-0001', case_version: c.version }),
    users.petugas2.post(`/api/v1/cases/${caseId}/replies`, { text: 'Mulai Senin, Kak.', idempotency_key: 'petugas2-reply-0001', case_version: c.version }),
  ]);
  assert.deepEqual([a.status, b.status].sort(), [201, 409], `${a.text} ${b.text}`);
  const winner = a.status === 201 ? a : b;
  // The same idempotency key again (a retried request) returns the stored reply.
  const fresh = (await users.petugas1.get(`/api/v1/cases/${caseId}`)).json;
  assert.equal(fresh.replies.length, 1);
  const key = winner === a ? 'petugas1-reply-0001' : 'petugas2-reply-0001';
  const client = winner === a ? users.petugas1 : users.petugas2;
  const again = await client.post(`/api/v1/cases/${caseId}/replies`, { text: 'other', idempotency_key: key, case_version: fresh.case.version });
  assert.equal(again.status, 200);
  assert.equal(again.json.id, winner.json.id);
  assert.equal(again.json.state, 'draft');
  assert.equal(again.json.sendable, false);
  // No X account is connected for the agency: submitting says so and the reply never shows as sent.
  const sub = await client.post(`/api/v1/replies/${winner.json.id}/submit`, { version: winner.json.version });
  assert.equal(sub.status, 409);
  assert.match(sub.json.error.message, /no x account is connected for replies/);
  const edit = await client.patch(`/api/v1/replies/${winner.json.id}`, { version: winner.json.version, text: 'Vaksin polio tersedia mulai Senin di semua puskesmas.' });
  assert.equal(edit.status, 200, edit.text);
  assert.equal(edit.json.state, 'draft');
});

test('closing and reopening a case by hand', async () => {
  const p = users.petugas1;
  let c = (await p.get(`/api/v1/cases/${caseId}`)).json.case;
  const closed = await p.post(`/api/v1/cases/${caseId}/transition`, { version: c.version, to: 'selesai' });
  assert.equal(closed.status, 200, closed.text);
  assert.ok(closed.json.closed_at);
  const open = await p.post(`/api/v1/cases/${caseId}/transition`, { version: closed.json.version, to: 'dibuka_kembali', reason: 'warga bertanya lagi' });
  assert.equal(open.status, 200);
  assert.equal(open.json.reopened, 1);
  const events = (await p.get(`/api/v1/cases/${caseId}`)).json.events.map((e) => e.kind);
  for (const k of ['opened', 'mention_added', 'assigned', 'note_added', 'disposition_created', 'reply_created', 'state_changed', 'reopened'])
    assert.ok(events.includes(k), `${k} in ${events}`);
  const audit = await admin.get('/api/v1/audit?action=case.');
  assert.ok(audit.json.total >= 4);
});

test('ready answers: written, approved, suggested for a similar case', async () => {
  const draft = await users.petugas1.post('/api/v1/answers', { agency_id: ids.diskominfo, title: 'Jadwal vaksin polio balita', body: 'Vaksin polio untuk balita tersedia di semua puskesmas setiap Senin.', tags: ['vaksin', 'polio'] });
  assert.equal(draft.status, 201, draft.text);
  assert.equal(draft.json.approved, false);
  let detail = (await users.petugas1.get(`/api/v1/cases/${caseId}`)).json;
  assert.equal(detail.suggested_answers.length, 0, 'unapproved answers are not suggested');
  assert.equal((await users.petugas1.post(`/api/v1/answers/${draft.json.id}/approve`, { version: 1 })).status, 403);
  const ok = await admin.post(`/api/v1/answers/${draft.json.id}/approve`, { version: 1 });
  assert.equal(ok.status, 200, ok.text);
  detail = (await users.petugas1.get(`/api/v1/cases/${caseId}`)).json;
  assert.equal(detail.suggested_answers[0].id, draft.json.id);
  assert.ok(detail.suggested_answers[0].score > 0);
  const bad = await users.petugas1.post('/api/v1/answers', { agency_id: ids.diskominfo, title: 'T', body: 'b' });
  assert.equal(bad.status, 400);
  assert.equal((await users.petugas1.post('/api/v1/answers', { agency_id: ids.dinkes, title: 'Judul', body: 'b' })).status, 404);
});

test('calendar and settings: the 2026 list, admin edits, region rules', async () => {
  const h = await users.petugas1.get('/api/v1/calendar/holidays?year=2026');
  assert.equal(h.json.items.length, 25);
  assert.equal(h.json.items.filter((d) => d.kind === 'cuti_bersama').length, 8);
  assert.equal((await users.petugas1.request('DELETE', '/api/v1/calendar/holidays/2026-08-17')).status, 403);
  assert.equal((await admin.request('DELETE', '/api/v1/calendar/holidays/2026-08-17')).status, 204);
  assert.equal((await admin.post('/api/v1/calendar/holidays', { date: '2026-02-30', name: 'x', kind: 'cuti_bersama' })).status, 400);
  assert.equal((await admin.post('/api/v1/calendar/holidays', { date: '2026-12-31', name: 'Cuti bersama tambahan', kind: 'cuti_bersama' })).status, 201);
  const after = (await users.petugas1.get('/api/v1/calendar/holidays?year=2026')).json.items;
  assert.equal(after.find((d) => d.date === '2026-08-17').removed, true);
  assert.equal(after.find((d) => d.date === '2026-12-31').source, 'admin');

  const s = await users.koord.get(`/api/v1/inbox/settings?region_id=${ids.region}`);
  assert.equal(s.json.hours, 24);
  assert.deepEqual(s.json.schedule.fri, ['07:30', '16:30']);
  assert.equal((await users.petugas1.request('PUT', '/api/v1/inbox/settings', { body: { region_id: ids.region, mode: 'working' } })).status, 404, 'the region is outside an agency officer\'s scope');
  // An agency's people read the rules of the region their agency lies in (they may not change them).
  const read = await users.pimpinan1.get(`/api/v1/inbox/settings?region_id=${ids.region}`);
  assert.equal(read.status, 200, read.text);
  assert.equal((await users.pimpinan1.get('/api/v1/inbox/settings')).json.region_id, ids.region);
  assert.equal((await users.pimpinan1.get('/api/v1/inbox/settings?region_id=999999')).status, 404);
  const badSched = await users.koord.request('PUT', '/api/v1/inbox/settings', { body: { region_id: ids.region, schedule: { mon: ['16:00', '08:00'] } } });
  assert.equal(badSched.status, 400);
  const put = await users.koord.request('PUT', '/api/v1/inbox/settings', { body: { region_id: ids.region, mode: 'working', hours: 16, reminder_minutes: [120] } });
  assert.equal(put.status, 200, put.text);
  assert.equal(put.json.mode, 'working');
  // A new disposition uses working hours now: the deadline is at least 16 hours away.
  const c = (await users.petugas1.get(`/api/v1/cases/${caseId}`)).json.case;
  const f = await users.petugas1.post(`/api/v1/cases/${caseId}/dispositions`, { version: c.version, to_agency_ids: [ids.dukcapil], question: 'Mohon info' });
  assert.equal(f.status, 201, f.text);
  assert.equal(f.json.items[0].sla.mode, 'working');
  assert.ok(Date.parse(f.json.items[0].deadline_at) - Date.parse(f.json.items[0].created_at) >= 16 * 3600000);
});

test('responsiveness per agency, ranked', async () => {
  const r = await users.koord.get('/api/v1/inbox/responsiveness?group=agency');
  assert.equal(r.status, 200, r.text);
  const dinkes = r.json.rows.find((x) => x.name === 'Dinas Kesehatan');
  assert.equal(dinkes.dispositions, 1);
  assert.equal(dinkes.dispositions_answered, 1);
  const kominfo = r.json.rows.find((x) => x.name === 'Diskominfo');
  assert.equal(kominfo.cases, 1);
  assert.equal((await users.koord.get('/api/v1/inbox/responsiveness?group=planet')).status, 400);
});
