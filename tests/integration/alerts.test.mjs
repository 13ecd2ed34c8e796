// Integration: listening alerts on the real server. A query with a quiet history gets a burst of
// mentions; "evaluate now" opens a spike alert once, which reaches the agency's officers live
// (SSE), by e-mail (a fake SMTP relay on loopback), on Telegram — to the officer's own chat through
// the inbox's Telegram channel and to the agency's group (a fake Bot
// API answering in the official message format of ../shared/fixtures/telegram-bot). Thresholds
// are per agency, scoped and audited; the evidence link finds the burst. Officers acknowledge and
// close the alert (scoped, versioned, audited, live), and its closed hour does not alarm again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, newDataDir, addUser, loggedIn, startFakeTelegram, startFakeSmtp, listenEvents, PASSWORD } from './lib.mjs';


const HOUR = 3600e3;
const WEEK = 7 * 24 * HOUR;
let server, telegram, smtp, admin, pejabat, petugas, outsider, dinkes, dishub, query;
let mails;

async function importLines(client, lines) {
  const r = await client.request('POST', '/api/v1/mentions/import', {
    body: lines.map((l) => JSON.stringify(l)).join('\n'),
    raw: true,
    headers: { 'content-type': 'application/x-ndjson' },
  });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

/** Opens the live stream as `client` and collects its "alert" events. */
const listen = (client) => listenEvents(server.url, client, 'alert');

async function until(fn, what) {
  for (let i = 0; i < 100; i++) {
    if (fn()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('timed out waiting for ' + what);
}

before(async () => {
  telegram = await startFakeTelegram({ token: '42:ALERT', username: 'humas_alerts' });
  smtp = await startFakeSmtp();
  mails = smtp.mails;
  const dataDir = newDataDir();
  addUser(dataDir, 'admin', 'admin');
  server = await startServer({
    dataDir,
    env: {
      HUMAS_TELEGRAM_BOT_TOKEN: '42:ALERT',
      HUMAS_TELEGRAM_API_BASE: telegram.url,
      HUMAS_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      HUMAS_SMTP_FROM: 'humas@berau.go.id',
      HUMAS_SMTP_REQUIRE_TLS: 'false',
      HUMAS_PUBLIC_URL: 'https://humas.berau.go.id',
    },
  });
  admin = await loggedIn(server.url, 'admin');
  const region = (await admin.get('/api/v1/agencies?kind=region')).json.items[0];
  dinkes = (await admin.post('/api/v1/agencies', { kind: 'agency', parent_id: region.id, name: 'Dinas Kesehatan', code: 'dinkes' })).json;
  dishub = (await admin.post('/api/v1/agencies', { kind: 'agency', parent_id: region.id, name: 'Dinas Perhubungan', code: 'dishub' })).json;
  for (const [name, role, agency, chat] of [['pejabat_dinkes', 'pejabat', dinkes, ''], ['petugas_dinkes', 'petugas', dinkes, '777001'], ['pejabat_dishub', 'pejabat', dishub, '777002']]) {
    const u = await admin.post('/api/v1/users', { username: name, display_name: name, email: `${name}@berau.go.id`, telegram_chat_id: chat, password: PASSWORD, roles: [{ role, agency_id: agency.id }] });
    assert.equal(u.status, 201, u.text);
  }
  pejabat = await loggedIn(server.url, 'pejabat_dinkes');
  petugas = await loggedIn(server.url, 'petugas_dinkes');
  outsider = await loggedIn(server.url, 'pejabat_dishub');
  const q = await pejabat.post('/api/v1/queries', { agency_id: dinkes.id, name: 'Banjir', expression: 'banjir' });
  assert.equal(q.status, 201, q.text);
  query = q.json;
});

after(async () => {
  await server?.stop();
  telegram?.close();
  smtp?.close();
});

test('alert thresholds: defaults, scoped edits with versions, validation, audit', async () => {
  const got = await petugas.get(`/api/v1/alert-settings/${dinkes.id}`);
  assert.equal(got.status, 200, got.text);
  assert.equal(got.json.version, 0);
  assert.equal(got.json.spike_score, 4);
  assert.equal(got.json.can_edit, false);

  // A petugas may not change them; another agency's pejabat does not even see them.
  assert.equal((await petugas.request('PUT', `/api/v1/alert-settings/${dinkes.id}`, { body: { version: 0, spike_score: 5 } })).status, 403);
  assert.equal((await outsider.get(`/api/v1/alert-settings/${dinkes.id}`)).status, 404);
  assert.equal((await outsider.request('PUT', `/api/v1/alert-settings/${dinkes.id}`, { body: { version: 0 } })).status, 404);

  // Bad values are refused with the field named, and change nothing.
  // Every threshold the evaluator uses is checked: below, above, and of the wrong type.
  for (const [body, field] of [
    [{ version: 0, hoax_threshold: 2 }, 'hoax_threshold'],
    [{ version: 0, hoax_threshold: -0.1 }, 'hoax_threshold'],
    [{ version: 0, telegram_chat_id: '@grup' }, 'telegram_chat_id'],
    [{ version: 0, calm_hours: 0 }, 'calm_hours'],
    [{ version: 0, calm_hours: 169 }, 'calm_hours'],
    [{ version: 0, spike_score: 'tinggi' }, 'spike_score'],
    [{ version: 0, spike_score: 0.5 }, 'spike_score'],
    [{ version: 0, spike_score: 101 }, 'spike_score'],
    [{ version: 0, spike_min_count: 0 }, 'spike_min_count'],
    [{ version: 0, spike_min_count: 2.5 }, 'spike_min_count'],
    [{ version: 0, negative_score: 0 }, 'negative_score'],
    [{ version: 0, negative_score: 500 }, 'negative_score'],
    [{ version: 0, negative_min_count: 0 }, 'negative_min_count'],
    [{ version: 0, negative_min_count: '5' }, 'negative_min_count'],
    [{ version: 0, negative_min_share: 1.5 }, 'negative_min_share'],
    [{ version: 0, negative_min_share: -0.2 }, 'negative_min_share'],
    [{ version: 0, enabled: 'ya' }, 'enabled'],
    [{ version: 0, colour: 'red' }, 'colour'],
  ]) {
    const r = await pejabat.request('PUT', `/api/v1/alert-settings/${dinkes.id}`, { body });
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(r.json.error.field, field, r.text);
  }
  assert.equal((await pejabat.get(`/api/v1/alert-settings/${dinkes.id}`)).json.version, 0);
  const all = { spike_score: 5.5, spike_min_count: 12, negative_score: 3, negative_min_count: 6, negative_min_share: 0.35, hoax_threshold: 0.9, enabled: true, telegram_chat_id: '-1001234567890', calm_hours: 3 };
  const put = await pejabat.request('PUT', `/api/v1/alert-settings/${dinkes.id}`, { body: { version: 0, ...all } });
  assert.equal(put.status, 200, put.text);
  assert.equal(put.json.version, 1);
  for (const [k, v] of Object.entries(all)) assert.equal(put.json[k], v, k);
  const read = (await petugas.get(`/api/v1/alert-settings/${dinkes.id}`)).json;
  for (const [k, v] of Object.entries(all)) assert.equal(read[k], v, k);
  // A stale version is a conflict.
  const stale = await pejabat.request('PUT', `/api/v1/alert-settings/${dinkes.id}`, { body: { version: 0, calm_hours: 5 } });
  assert.equal(stale.status, 409);
  assert.equal((await petugas.get(`/api/v1/alert-settings/${dinkes.id}`)).json.calm_hours, 3);

  // Back to the default thresholds for the tests below (the group chat and calm hours stay).
  const back = await pejabat.request('PUT', `/api/v1/alert-settings/${dinkes.id}`, { body: { version: 1, spike_score: 4, spike_min_count: 10, negative_score: 4, negative_min_count: 5, negative_min_share: 0.4, hoax_threshold: 0.8 } });
  assert.equal(back.status, 200, back.text);
  assert.equal(back.json.version, 2);

  const audit = await admin.get('/api/v1/audit?action=alert_settings.');
  assert.equal(audit.status, 200, audit.text);
  assert.equal(audit.json.items.length, 2);
  assert.equal(audit.json.items[0].actor, 'pejabat_dinkes');
  assert.equal(audit.json.items[0].entity_id, String(dinkes.id));
});

test('a burst opens one spike alert: live, by e-mail, in the Telegram group, with evidence', async () => {
  const now = Date.now();
  // History: the query has existed for five weeks (one mention at this hour five weeks ago).
  await importLines(admin, [{ platform: 'x', external_id: 'old-1', author: { handle: 'warga' }, text: 'banjir kecil di gang', created_at: new Date(now - 5 * WEEK).toISOString(), agency: 'dinkes' }]);
  const burst = [];
  for (let i = 0; i < 30; i++) {
    burst.push({ platform: 'x', external_id: `burst-${i}`, author: { handle: `warga${i}` }, text: `banjir lagi di jalan ${i}`, created_at: new Date(now - 60e3).toISOString(), agency: 'dinkes' });
  }
  assert.equal((await importLines(admin, burst)).imported, 30);

  const liveOfficer = await listen(petugas);
  const liveOutsider = await listen(outsider);
  assert.equal((await petugas.post('/api/v1/alerts/evaluate', {})).status, 403);
  const ev = await admin.post('/api/v1/alerts/evaluate', {});
  assert.equal(ev.status, 200, ev.text);
  assert.ok(ev.json.opened >= 1, ev.text);

  await until(() => liveOfficer.events.some((e) => e.kind === 'spike' && e.query_id === query.id), 'the live alert');
  const live = liveOfficer.events.find((e) => e.kind === 'spike' && e.query_id === query.id);
  assert.equal(live.change, 'opened');
  assert.equal(live.observed, 30);
  liveOfficer.close();

  const list = await petugas.get('/api/v1/alerts?state=open&kind=spike');
  assert.equal(list.status, 200, list.text);
  const alert = list.json.items.find((a) => a.query_id === query.id);
  assert.ok(alert, list.text);
  assert.equal(alert.query_name, 'Banjir');
  assert.equal(alert.agency_name, 'Dinas Kesehatan');
  assert.ok(alert.score >= 4);
  // The evidence link is a search the web client understands; the API finds the burst with it.
  assert.match(alert.evidence_url, /^\/mentions\?query_id=\d+&since=.+&until=.+$/);
  const evidence = await petugas.get('/api/v1' + alert.evidence_url);
  assert.equal(evidence.status, 200, evidence.text);
  assert.equal(evidence.json.total, 30);

  // The officers got an e-mail with the link; the agency's Telegram group got one message.
  // (Two alerts opened, the query's and the topic's: their e-mails leave in either order.)
  await until(() => mails.length >= 2 && telegram.sends.length >= 1 && mails.some((m) => m.data.includes('https://humas.berau.go.id/mentions?query_id=')), 'e-mail and Telegram');
  const rcpts = mails.flatMap((m) => m.rcpt).join(' ');
  assert.match(rcpts, /pejabat_dinkes@berau\.go\.id/);
  assert.match(rcpts, /petugas_dinkes@berau\.go\.id/);
  assert.doesNotMatch(rcpts, /pejabat_dishub/);
  assert.ok(mails.some((m) => m.data.includes('https://humas.berau.go.id/mentions?query_id=')), mails.map((m) => m.data).join('\n'));
  const tg = telegram.sends.filter((c) => String(c.chat_id) === '-1001234567890');
  assert.ok(tg.length >= 1);
  assert.match(tg[0].text, /Lonjakan percakapan/);
  // The officer who gave a personal chat id got it through the inbox's Telegram channel too; the
  // other agency's pejabat did not.
  await until(() => telegram.sends.some((c) => String(c.chat_id) === '777001'), 'the officer on Telegram');
  assert.ok(!telegram.sends.some((c) => String(c.chat_id) === '777002'));

  // Evaluating again tells nobody twice and keeps one alert per query and kind. (E-mail and
  // Telegram leave by the job queue: let the first evaluation's deliveries finish first.)
  for (let last = -1, i = 0; i < 50 && last !== mails.length + telegram.sends.length; i++) {
    last = mails.length + telegram.sends.length;
    await new Promise((r) => setTimeout(r, 700));
  }
  const mailCount = mails.length;
  const tgCount = telegram.sends.length;
  const again = await admin.post('/api/v1/alerts/evaluate', {});
  assert.equal(again.json.opened, 0, again.text);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(mails.length, mailCount);
  assert.equal(telegram.sends.length, tgCount);
  assert.equal((await petugas.get('/api/v1/alerts?kind=spike')).json.items.filter((a) => a.query_id === query.id).length, 1);

  // Another agency neither sees it nor was sent it live.
  assert.equal((await outsider.get(`/api/v1/alerts/${alert.id}`)).status, 404);
  assert.equal((await outsider.get('/api/v1/alerts')).json.total, 0);
  assert.equal(liveOutsider.events.length, 0);
  liveOutsider.close();

  // The unread badge counts it until the officer has looked.
  const unread = await petugas.get('/api/v1/alerts/unread');
  assert.ok(unread.json.unread >= 1, unread.text);
  assert.equal((await petugas.post('/api/v1/alerts/seen', {})).status, 200);
  assert.equal((await petugas.get('/api/v1/alerts/unread')).json.unread, 0);
  assert.ok((await pejabat.get('/api/v1/alerts/unread')).json.unread >= 1);
  // The in-app notification is there too.
  const notes = await petugas.get('/api/v1/notifications');
  assert.ok(notes.json.items.some((n) => n.kind === 'alert'), notes.text);
});

test('officers acknowledge then close an alert: scoped, versioned, audited, live; the key frees', async () => {
  const alert = (await petugas.get('/api/v1/alerts?state=open&kind=spike')).json.items.find((a) => a.query_id === query.id);
  assert.ok(alert, 'the spike alert of the previous test');
  assert.equal(alert.version, 1);
  assert.equal(alert.can_handle, true);
  assert.equal(alert.acknowledged_by, null);
  const counts = (await petugas.get('/api/v1/alerts/unread')).json;
  assert.ok(counts.open >= 1, JSON.stringify(counts));
  const live = await listen(pejabat);

  // Another agency's officer does not even see it; bad bodies change nothing.
  assert.equal((await outsider.post(`/api/v1/alerts/${alert.id}/acknowledge`, { version: 1 })).status, 404);
  assert.equal((await petugas.post('/api/v1/alerts/999999/acknowledge', { version: 1 })).status, 404);
  const noVersion = await petugas.post(`/api/v1/alerts/${alert.id}/acknowledge`, {});
  assert.equal(noVersion.status, 400);
  assert.equal(noVersion.json.error.field, 'version');
  assert.equal((await petugas.post(`/api/v1/alerts/${alert.id}/acknowledge`, { version: 1, note: 'x' })).json.error.field, 'note');
  const stale = await petugas.post(`/api/v1/alerts/${alert.id}/acknowledge`, { version: 9 });
  assert.equal(stale.status, 409);
  assert.equal(stale.json.error.field, 'version');
  assert.equal((await petugas.get(`/api/v1/alerts/${alert.id}`)).json.state, 'open');

  const acked = await petugas.post(`/api/v1/alerts/${alert.id}/acknowledge`, { version: 1 });
  assert.equal(acked.status, 200, acked.text);
  assert.equal(acked.json.state, 'acknowledged');
  assert.equal(acked.json.acknowledged_by.display_name, 'petugas_dinkes');
  assert.ok(acked.json.acknowledged_at);
  assert.equal(acked.json.version, 2);
  // Two officers at once: the second acknowledge is refused (it is no longer open).
  const twice = await pejabat.post(`/api/v1/alerts/${alert.id}/acknowledge`, { version: 2 });
  assert.equal(twice.status, 409);
  assert.equal(twice.json.error.field, 'state');
  await until(() => live.events.some((e) => e.id === alert.id && e.change === 'acknowledged'), 'the live acknowledge');

  // Lists by state; the acknowledged alert still de-duplicates: evaluating opens nothing new.
  assert.ok((await petugas.get('/api/v1/alerts?state=acknowledged')).json.items.some((a) => a.id === alert.id));
  assert.ok((await petugas.get('/api/v1/alerts?state=active')).json.items.some((a) => a.id === alert.id));
  assert.ok(!(await petugas.get('/api/v1/alerts?state=open')).json.items.some((a) => a.id === alert.id));
  assert.ok((await petugas.get('/api/v1/alerts/unread')).json.acknowledged >= 1);
  assert.equal((await admin.post('/api/v1/alerts/evaluate', {})).json.opened, 0);

  // Closing needs a note; then it is closed by whom, when and with what was done.
  for (const body of [{ version: 2 }, { version: 2, note: '' }, { version: 2, note: 'x'.repeat(1001) }]) {
    const r = await pejabat.post(`/api/v1/alerts/${alert.id}/close`, body);
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json.error.field, 'note');
  }
  const closed = await pejabat.post(`/api/v1/alerts/${alert.id}/close`, { version: 2, note: 'Klarifikasi banjir diunggah di akun resmi.' });
  assert.equal(closed.status, 200, closed.text);
  assert.equal(closed.json.state, 'closed');
  assert.equal(closed.json.closed_by.display_name, 'pejabat_dinkes');
  assert.equal(closed.json.close_note, 'Klarifikasi banjir diunggah di akun resmi.');
  assert.equal(closed.json.acknowledged_by.display_name, 'petugas_dinkes');
  assert.equal(closed.json.version, 3);
  assert.equal((await pejabat.post(`/api/v1/alerts/${alert.id}/close`, { version: 3, note: 'lagi' })).status, 409);
  await until(() => live.events.some((e) => e.id === alert.id && e.change === 'closed'), 'the live close');
  live.close();
  assert.ok((await petugas.get('/api/v1/alerts?state=closed')).json.items.some((a) => a.id === alert.id));

  // The surge's hour that the closed alert covered does not alarm again (nobody told twice).
  const mailCount = mails.length;
  const again = await admin.post('/api/v1/alerts/evaluate', {});
  assert.equal(again.json.opened, 0, again.text);
  assert.equal((await petugas.get('/api/v1/alerts?state=active&kind=spike')).json.items.filter((a) => a.query_id === query.id).length, 0);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(mails.length, mailCount);

  const audit = (await admin.get('/api/v1/audit?action=alert.')).json.items;
  assert.deepEqual(audit.map((e) => [e.action, e.actor, e.entity_id]).sort(), [
    ['alert.acknowledge', 'petugas_dinkes', String(alert.id)],
    ['alert.close', 'pejabat_dinkes', String(alert.id)],
  ]);
});

test('alert lists refuse bad filters', async () => {
  assert.equal((await petugas.get('/api/v1/alerts?state=maybe')).json.error.field, 'state');
  assert.equal((await petugas.get('/api/v1/alerts?kind=flood')).json.error.field, 'kind');
  assert.equal((await petugas.get(`/api/v1/alerts?agency_id=${dishub.id}`)).status, 404);
  assert.equal((await petugas.get('/api/v1/alerts/999999')).status, 404);
});
