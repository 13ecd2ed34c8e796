// Integration: answering a Telegram conversation from the inbox through a fake Telegram Bot API
// server on loopback (answers in the official example message format of
// ../shared/fixtures/telegram-bot). Two officers submitting one reply at once send it once; a
// failed send is visible and can be retried.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, newDataDir, addUser, loggedIn, PASSWORD, ROOT } from './lib.mjs';

const SHARED = process.env.HUMAS_SHARED || join(ROOT, '..', 'shared');
const example = JSON.parse(readFileSync(join(SHARED, 'fixtures/telegram-bot/official-webhook-guide/05_message_with_reply.json'), 'utf8')).message;

let server, fake, admin, officerA, officerB;
const calls = [];
let failNext = 0;
let nextId = 5000;

before(async () => {
  fake = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const m = /^\/bot([^/]+)\/sendMessage$/.exec(req.url);
      res.setHeader('content-type', 'application/json');
      if (!m || m[1] !== '42:TEST') {
        res.statusCode = 401;
        return res.end(JSON.stringify({ ok: false, error_code: 401, description: 'Unauthorized' }));
      }
      const p = JSON.parse(body);
      calls.push(p);
      if (failNext > 0) {
        failNext -= 1;
        res.statusCode = 502;
        return res.end(JSON.stringify({ ok: false, error_code: 502, description: 'Bad Gateway' }));
      }
      const msg = { ...example, message_id: nextId++, text: p.text, chat: { ...example.chat, id: p.chat_id, type: 'supergroup', username: 'dinkes_berau' } };
      res.end(JSON.stringify({ ok: true, result: msg }));
    });
  });
  await new Promise((r) => fake.listen(0, '127.0.0.1', r));
  const dataDir = newDataDir();
  addUser(dataDir, 'admin', 'admin');
  server = await startServer({
    dataDir,
    env: { HUMAS_TELEGRAM_BOT_TOKEN: '42:TEST', HUMAS_TELEGRAM_API_BASE: `http://127.0.0.1:${fake.address().port}` },
  });
  admin = await loggedIn(server.url, 'admin');
  const region = (await admin.get('/api/v1/agencies?kind=region')).json.items[0];
  const a = await admin.post('/api/v1/agencies', { kind: 'agency', parent_id: region.id, name: 'Dinas Kesehatan', code: 'dinkes' });
  for (const name of ['petugas_a', 'petugas_b']) {
    const u = await admin.post('/api/v1/users', { username: name, display_name: name, password: PASSWORD, roles: [{ role: 'petugas', agency_id: a.json.id }] });
    assert.equal(u.status, 201, u.text);
  }
  officerA = await loggedIn(server.url, 'petugas_a');
  officerB = await loggedIn(server.url, 'petugas_b');
  const line = JSON.stringify({ platform: 'telegram', external_id: '-100777:55', author: { handle: 'warga_tg', name: 'Warga' }, text: 'Min, posyandu buka jam berapa?', created_at: new Date().toISOString(), agency: 'dinkes', kind: 'message' });
  const imp = await admin.request('POST', '/api/v1/mentions/import', { body: line, raw: true, headers: { 'content-type': 'application/x-ndjson' } });
  assert.equal(imp.json.imported, 1, imp.text);
});

after(async () => {
  await server?.stop();
  fake?.close();
});

async function waitFor(client, replyId, states) {
  for (let i = 0; i < 100; i++) {
    const c = (await client.get(`/api/v1/cases/${caseId}`)).json;
    const r = c.replies.find((x) => x.id === replyId);
    if (states.includes(r.state)) return { reply: r, detail: c };
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error('reply did not reach ' + states);
}

let caseId;

test('a reply submitted by two officers at once is sent exactly once', async () => {
  const mention = (await admin.get('/api/v1/mentions')).json.items[0];
  const opened = await officerA.post('/api/v1/cases', { mention_id: mention.id });
  assert.ok(opened.status === 200 || opened.status === 201, opened.text);
  caseId = opened.json.id;
  const detail = (await officerA.get(`/api/v1/cases/${caseId}`)).json;
  assert.equal(detail.reply_limit.sendable, true);
  assert.equal(detail.reply_limit.max_chars, 4096);
  const draft = await officerA.post(`/api/v1/cases/${caseId}/replies`, { text: 'Posyandu buka pukul 08.00–12.00 WITA.', idempotency_key: 'tg-reply-0001', case_version: detail.case.version });
  assert.equal(draft.status, 201, draft.text);
  assert.equal(draft.json.state, 'draft');
  const [a, b] = await Promise.all([
    officerA.post(`/api/v1/replies/${draft.json.id}/submit`, { version: draft.json.version }),
    officerB.post(`/api/v1/replies/${draft.json.id}/submit`, { version: draft.json.version }),
  ]);
  assert.deepEqual([a.status, b.status].sort(), [200, 409], `${a.text} ${b.text}`);
  const { reply, detail: after } = await waitFor(officerA, draft.json.id, ['sent', 'failed']);
  assert.equal(reply.state, 'sent', reply.last_error);
  assert.equal(calls.length, 1, 'Telegram got the message once');
  assert.equal(calls[0].chat_id, -100777);
  assert.equal(calls[0].reply_parameters.message_id, 55);
  assert.match(reply.platform_url, /^https:\/\/t\.me\/dinkes_berau\/\d+$/);
  assert.equal(after.case.state, 'dijawab');
  assert.ok(after.case.first_response_at);
  // Retrying a sent reply is refused.
  assert.equal((await officerA.post(`/api/v1/replies/${reply.id}/retry`, { version: reply.version })).status, 409);
});

test('a failed send is visible with its error and can be retried', async () => {
  const c = (await officerA.get(`/api/v1/cases/${caseId}`)).json.case;
  failNext = 1;
  const r = await officerA.post(`/api/v1/cases/${caseId}/replies`, { text: 'Tambahan: bawa buku KIA.', idempotency_key: 'tg-reply-0002', case_version: c.version, submit: true });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.state, 'queued');
  const { reply: failed } = await waitFor(officerA, r.json.id, ['failed', 'sent']);
  assert.equal(failed.state, 'failed');
  assert.match(failed.last_error, /Bad Gateway/);
  assert.equal(failed.platform_id, '');
  const retry = await officerA.post(`/api/v1/replies/${failed.id}/retry`, { version: failed.version });
  assert.equal(retry.status, 200, retry.text);
  const { reply: sent } = await waitFor(officerA, r.json.id, ['sent']);
  assert.equal(sent.attempts, 2);
  assert.equal(calls.filter((x) => x.text === 'Tambahan: bawa buku KIA.').length, 2);
});

test('officers get notifications on Telegram: the chat id is validated, audited, and used', async () => {
  const region = (await admin.get('/api/v1/agencies?kind=region')).json.items[0];
  const pu = await admin.post('/api/v1/agencies', { kind: 'agency', parent_id: region.id, name: 'Dinas Pekerjaan Umum', code: 'dpupr' });
  assert.equal(pu.status, 201, pu.text);
  const base = { username: 'pejabat_pu', display_name: 'Pejabat PU', password: PASSWORD, roles: [{ role: 'pejabat', agency_id: pu.json.id }] };
  for (const bad of ['@pejabat_pu', '12ab', '0', '1234567890123456789', 987654321]) {
    const r = await admin.post('/api/v1/users', { ...base, telegram_chat_id: bad });
    assert.equal(r.status, 400, `${bad}: ${r.text}`);
    assert.equal(r.json.error.field, 'telegram_chat_id');
  }
  assert.equal((await admin.get('/api/v1/users')).json.items.some((u) => u.username === 'pejabat_pu'), false, 'nothing stored');
  const created = await admin.post('/api/v1/users', { ...base, telegram_chat_id: ' 987654321 ' });
  assert.equal(created.status, 201, created.text);
  assert.equal(created.json.telegram_chat_id, '987654321');
  // A second officer of the agency without Telegram: in-app only.
  const plain = await admin.post('/api/v1/users', { ...base, username: 'petugas_pu', roles: [{ role: 'petugas', agency_id: pu.json.id }] });
  assert.equal(plain.json.telegram_chat_id, '');
  const audit = await admin.get('/api/v1/audit?action=user.create');
  assert.equal(audit.json.items.find((e) => e.entity_id === String(created.json.id)).details.telegram_chat_id, ' 987654321 ');

  // A disposition to Dinas PU reaches the pejabat's Telegram chat, once (from the job queue, just
  // after the API call).
  const before = calls.length;
  const c = (await officerA.get(`/api/v1/cases/${caseId}`)).json.case;
  const fwd = await officerA.post(`/api/v1/cases/${caseId}/dispositions`, { version: c.version, to_agency_ids: [pu.json.id], question: 'Apakah jalan ke posyandu Teluk Bayur sudah diperbaiki?' });
  assert.equal(fwd.status, 201, fwd.text);
  for (let i = 0; i < 100 && calls.length === before; i++) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 1000));
  const sent = calls.slice(before);
  assert.equal(sent.length, 1, JSON.stringify(sent));
  assert.equal(sent[0].chat_id, 987654321);
  assert.match(sent[0].text, /^Disposisi baru, batas waktu /);
  assert.match(sent[0].text, /jalan ke posyandu Teluk Bayur/);
  assert.match(sent[0].text, new RegExp(`Kasus #${caseId} di kotak masuk humas\\.$`));
  assert.equal(sent[0].reply_parameters, undefined);

  // Clearing it stops the Telegram copies; the change is audited.
  const cleared = await admin.patch(`/api/v1/users/${created.json.id}`, { telegram_chat_id: '' });
  assert.equal(cleared.status, 200, cleared.text);
  assert.equal(cleared.json.telegram_chat_id, '');
  const upd = await admin.get('/api/v1/audit?action=user.update');
  assert.equal(upd.json.items[0].details.telegram_chat_id, '');
  const bad = await admin.patch(`/api/v1/users/${created.json.id}`, { telegram_chat_id: 'x' });
  assert.equal(bad.status, 400);
});
