// Integration: two officers acting on one case at the same moment, against the real server with a
// real SQLite file and a fake Telegram Bot API on loopback (answers in the official example message
// format of ../shared/fixtures/telegram-bot). Whatever the interleaving: no answer is silently
// overwritten or lost (the loser gets 409 and the winner's text is what is stored), and nothing is
// sent to the citizen twice (the fake counts every sendMessage).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, startFakeTelegram, newDataDir, addUser, loggedIn, PASSWORD } from './lib.mjs';

let server, fake, admin, a, b, pejabatA, pejabatB, dinkesA, dinkesB, ids;

before(async () => {
  // Slow answers, so racing requests really overlap inside the server.
  fake = await startFakeTelegram({ token: '99:CONCURRENT', username: 'kominfo_berau', firstId: 7000, delayMs: 50 });
  const dataDir = newDataDir();
  addUser(dataDir, 'admin', 'admin');
  server = await startServer({ dataDir });
  admin = await loggedIn(server.url, 'admin');
  const region = (await admin.get('/api/v1/agencies?kind=region')).json.items[0];
  ids = {};
  for (const code of ['kominfo', 'dinkes']) {
    const r = await admin.post('/api/v1/agencies', { kind: 'agency', parent_id: region.id, name: `Dinas ${code}`, code });
    assert.equal(r.status, 201, r.text);
    ids[code] = r.json.id;
  }
  // Replies go out as Kominfo's own bot: its connector in the registry.
  const conn = await admin.post('/api/v1/connectors', {
    agency_id: ids.kominfo, platform: 'telegram', name: 'Bot Kominfo',
    settings: { api_base: fake.url }, credentials: { bot_token: '99:CONCURRENT' },
  });
  assert.equal(conn.status, 201, conn.text);
  const users = [['petugas_a', 'petugas', 'kominfo'], ['petugas_b', 'petugas', 'kominfo'], ['pejabat_a', 'pejabat', 'kominfo'],
    ['pejabat_b', 'pejabat', 'kominfo'], ['dinkes_a', 'petugas', 'dinkes'], ['dinkes_b', 'petugas', 'dinkes']];
  for (const [name, role, agency] of users) {
    const u = await admin.post('/api/v1/users', { username: name, display_name: name, password: PASSWORD, roles: [{ role, agency_id: ids[agency] }] });
    assert.equal(u.status, 201, u.text);
  }
  [a, b, pejabatA, pejabatB, dinkesA, dinkesB] = await Promise.all(users.map(([name]) => loggedIn(server.url, name)));
});

after(async () => {
  await server?.stop();
  fake?.close();
});

let seq = 0;
/** A fresh Telegram question for Kominfo and its case. */
async function newCase() {
  seq += 1;
  const line = JSON.stringify({ platform: 'telegram', external_id: `-100888:${100 + seq}`, author: { handle: `warga_${seq}`, name: 'Warga' }, text: `Pertanyaan nomor ${seq}: kapan posyandu buka?`, created_at: new Date().toISOString(), agency: 'kominfo', kind: 'message' });
  const imp = await admin.request('POST', '/api/v1/mentions/import', { body: line, raw: true, headers: { 'content-type': 'application/x-ndjson' } });
  assert.equal(imp.json.imported, 1, imp.text);
  const m = (await admin.get(`/api/v1/mentions?q=${encodeURIComponent(`"nomor ${seq}"`)}`)).json.items[0];
  const opened = await a.post('/api/v1/cases', { mention_id: m.id });
  assert.ok([200, 201].includes(opened.status), opened.text);
  return (await a.get(`/api/v1/cases/${opened.json.id}`)).json;
}

async function settled(client, caseId, replyId) {
  for (let i = 0; i < 100; i++) {
    const r = (await client.get(`/api/v1/cases/${caseId}`)).json.replies.find((x) => x.id === replyId);
    if (['sent', 'failed'].includes(r.state)) return r;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error('reply did not settle');
}

const sentWith = (text) => fake.sends.filter((s) => s.text === text).length;

test('two officers answering the same disposition at once: one answer kept, the other told', async () => {
  const d = await newCase();
  const fwd = await a.post(`/api/v1/cases/${d.case.id}/dispositions`, { version: d.case.version, to_agency_ids: [ids.dinkes], question: 'Jadwal posyandu bulan ini?' });
  assert.equal(fwd.status, 201, fwd.text);
  const disp = fwd.json.items[0];
  const texts = ['Posyandu buka Senin pukul 08.00.', 'Posyandu buka Selasa pukul 09.00.'];
  const [r1, r2] = await Promise.all([
    dinkesA.post(`/api/v1/dispositions/${disp.id}/answer`, { version: disp.version, answer: texts[0] }),
    dinkesB.post(`/api/v1/dispositions/${disp.id}/answer`, { version: disp.version, answer: texts[1] }),
  ]);
  assert.deepEqual([r1.status, r2.status].sort(), [200, 409], `${r1.text} ${r2.text}`);
  const winner = r1.status === 200 ? texts[0] : texts[1];
  const loser = r1.status === 200 ? r2 : r1;
  assert.match(loser.json.error.code, /conflict|failed_precondition/);
  // The forwarding officer sees exactly the winner's answer; nothing was overwritten afterwards.
  const back = (await a.get(`/api/v1/cases/${d.case.id}`)).json;
  const stored = back.dispositions.find((x) => x.id === disp.id);
  assert.equal(stored.state, 'dijawab');
  assert.equal(stored.answer, winner);
  assert.equal(back.case.state, 'dibuka');
  const answeredEvents = back.events.filter((e) => e.kind === 'disposition_answered');
  assert.equal(answeredEvents.length, 1);
});

test('two officers replying to one case at the same version: one reply, the other must reload', async () => {
  const d = await newCase();
  const [r1, r2] = await Promise.all([
    a.post(`/api/v1/cases/${d.case.id}/replies`, { text: 'Jawaban petugas A.', idempotency_key: `race-a-${seq}`, case_version: d.case.version, submit: true }),
    b.post(`/api/v1/cases/${d.case.id}/replies`, { text: 'Jawaban petugas B.', idempotency_key: `race-b-${seq}`, case_version: d.case.version, submit: true }),
  ]);
  assert.deepEqual([r1.status, r2.status].sort(), [201, 409], `${r1.text} ${r2.text}`);
  const won = r1.status === 201 ? r1.json : r2.json;
  const reply = await settled(a, d.case.id, won.id);
  assert.equal(reply.state, 'sent', reply.last_error);
  const after = (await a.get(`/api/v1/cases/${d.case.id}`)).json;
  assert.equal(after.replies.length, 1);
  assert.equal(sentWith('Jawaban petugas A.') + sentWith('Jawaban petugas B.'), 1, 'one message reached the citizen');
  // The loser reloads and sees the case answered, with the sent message's Telegram id.
  assert.equal(after.case.state, 'dijawab');
  assert.match(reply.platform_id, /^-100888:\d+$/);
});

test('a double-click (same idempotency key twice at once) creates and sends one reply', async () => {
  const d = await newCase();
  const body = { text: 'Terima kasih, sudah kami catat.', idempotency_key: `double-click-${seq}`, case_version: d.case.version, submit: true };
  const [r1, r2] = await Promise.all([a.post(`/api/v1/cases/${d.case.id}/replies`, body), a.post(`/api/v1/cases/${d.case.id}/replies`, body)]);
  const statuses = [r1.status, r2.status].sort();
  // One creates; the other either returns that same reply (200) or lost the version race (409).
  assert.ok(statuses[0] === 200 || statuses[0] === 201, statuses.join());
  assert.ok([200, 201, 409].includes(statuses[1]), statuses.join());
  const created = [r1, r2].find((r) => r.status === 201).json;
  for (const r of [r1, r2]) if (r.status === 200) assert.equal(r.json.id, created.id);
  await settled(a, d.case.id, created.id);
  assert.equal(sentWith('Terima kasih, sudah kami catat.'), 1);
  assert.equal((await a.get(`/api/v1/cases/${d.case.id}`)).json.replies.length, 1);
});

/** Sets the region's "replies need a pejabat's approval" rule. */
async function requireApproval(on) {
  const current = (await admin.get('/api/v1/inbox/settings')).json;
  const { updated_at: _, ...settings } = current;
  const put = await admin.request('PUT', '/api/v1/inbox/settings', { body: { ...settings, require_reply_approval: on } });
  assert.equal(put.status, 200, put.text);
}

test('two pejabat approving one reply at once: approved once, sent once', async () => {
  await requireApproval(true);
  try {
    const d = await newCase();
    const text = `Balasan yang disetujui ${seq}.`;
    const r = await a.post(`/api/v1/cases/${d.case.id}/replies`, { text, idempotency_key: `approval-key-${seq}`, case_version: d.case.version, submit: true });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.state, 'awaiting_approval');
    const [p1, p2] = await Promise.all([
      pejabatA.post(`/api/v1/replies/${r.json.id}/approve`, { version: r.json.version }),
      pejabatB.post(`/api/v1/replies/${r.json.id}/approve`, { version: r.json.version }),
    ]);
    assert.deepEqual([p1.status, p2.status].sort(), [200, 409], `${p1.text} ${p2.text}`);
    const reply = await settled(a, d.case.id, r.json.id);
    assert.equal(reply.state, 'sent', reply.last_error);
    assert.equal(sentWith(text), 1);
  } finally {
    await requireApproval(false);
  }
});

test('two officers retrying one failed reply at once: one retry, one more message', async () => {
  const d = await newCase();
  const text = `Coba lagi ${seq}.`;
  fake.failNext = 1;
  const r = await a.post(`/api/v1/cases/${d.case.id}/replies`, { text, idempotency_key: `retry-key-${seq}`, case_version: d.case.version, submit: true });
  assert.equal(r.status, 201, r.text);
  const failed = await settled(a, d.case.id, r.json.id);
  assert.equal(failed.state, 'failed');
  assert.equal(failed.error_kind, 'retryable');
  const [t1, t2] = await Promise.all([
    a.post(`/api/v1/replies/${failed.id}/retry`, { version: failed.version }),
    b.post(`/api/v1/replies/${failed.id}/retry`, { version: failed.version }),
  ]);
  assert.deepEqual([t1.status, t2.status].sort(), [200, 409], `${t1.text} ${t2.text}`);
  const sent = await settled(a, d.case.id, r.json.id);
  assert.equal(sent.state, 'sent', sent.last_error);
  assert.equal(sent.attempts, 2);
  assert.equal(sentWith(text), 2, 'the failed attempt and the one retry, nothing more');
});
