// Integration: a hung Telegram does not hold up the inbox. Alerts open while the Telegram Bot API
// hangs (answers nothing), so the alerts queue's worker waits on the agency group's message. A
// disposition forwarded meanwhile still reaches the receiving officer by e-mail (a job of the
// inbox queue, like the deadline reminders) while that Telegram request is still hanging: the job
// runner's second worker took it (job_workers, default 2; no queue holds every worker). Then
// Telegram answers and every message is delivered once. Real server, real SQLite, fake SMTP and
// Telegram on loopback (Telegram's official message format, ../shared/fixtures/telegram-bot).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, newDataDir, addUser, loggedIn, startFakeTelegram, startFakeSmtp, alertingAgency, PASSWORD } from './lib.mjs';

const GROUP = -1001112225555;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let server, telegram, smtp, admin;
const ids = {};

before(async () => {
  telegram = await startFakeTelegram({ token: '45:WORKERS', username: 'humas_alerts' });
  telegram.hang = true;
  smtp = await startFakeSmtp();
  const dataDir = newDataDir();
  addUser(dataDir, 'admin', 'admin');
  server = await startServer({
    dataDir,
    env: {
      HUMAS_TELEGRAM_BOT_TOKEN: '45:WORKERS',
      HUMAS_TELEGRAM_API_BASE: telegram.url,
      HUMAS_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      HUMAS_SMTP_FROM: 'humas@berau.go.id',
      HUMAS_SMTP_REQUIRE_TLS: 'false',
      HUMAS_ALERT_EVERY_SECONDS: '86400',
    },
  });
  admin = await loggedIn(server.url, 'admin');
  // Nobody has a Telegram chat of their own: the only Telegram messages are the group's.
  const posyandu = { platform: 'x', external_id: '1445880548472328192', author: { handle: 'warga_berau', name: 'Warga' }, text: 'Kapan posyandu Tanjung Redeb buka?', created_at: new Date().toISOString(), agency: 'diskominfo', kind: 'reply', in_reply_to: '1445880548472328000' };
  const region = (await admin.get('/api/v1/agencies?kind=region')).json.items[0];
  const kominfo = await admin.post('/api/v1/agencies', { kind: 'agency', parent_id: region.id, name: 'Diskominfo', code: 'diskominfo' });
  assert.equal(kominfo.status, 201, kominfo.text);
  const u = await admin.post('/api/v1/users', { username: 'kominfo', display_name: 'kominfo', email: 'kominfo@berau.go.id', password: PASSWORD, roles: [{ role: 'petugas', agency_id: kominfo.json.id }] });
  assert.equal(u.status, 201, u.text);
  ids.dinkes = (await alertingAgency(admin, { group: GROUP, rows: [posyandu] })).agency.id;
});

after(async () => {
  await server?.stop();
  telegram?.close();
  smtp?.close();
});

test('the inbox e-mail leaves while the alerts worker hangs on Telegram', async () => {
  const ev = await admin.post('/api/v1/alerts/evaluate', {});
  assert.equal(ev.status, 200, ev.text);
  assert.equal(ev.json.opened, 2, ev.text);
  // The alerts worker is now inside a Telegram request that gets no answer.
  for (let i = 0; i < 200 && telegram.held.length === 0; i++) await sleep(50);
  assert.equal(telegram.held.length, 1, 'the group message reached the hung Telegram');
  const hung = telegram.held[0];
  let hungClosed = false;
  hung.on('close', () => (hungClosed = true)); // the runner's client gave up (15 s timeout)

  const kominfo = await loggedIn(server.url, 'kominfo');
  const mention = (await kominfo.get('/api/v1/mentions?q=posyandu')).json.items[0];
  const opened = await kominfo.post('/api/v1/cases', { mention_id: mention.id });
  assert.ok(opened.status === 200 || opened.status === 201, opened.text);
  const forwarded = await kominfo.post(`/api/v1/cases/${opened.json.id}/dispositions`, {
    version: opened.json.version, to_agency_ids: [ids.dinkes], question: 'Jam buka posyandu Tanjung Redeb?',
  });
  assert.equal(forwarded.status, 201, forwarded.text);
  const disposition = () => smtp.mails.filter((m) => m.data.includes('Jam buka posyandu'));
  for (let i = 0; i < 300 && disposition().length === 0; i++) await sleep(50);
  assert.ok(disposition().length >= 1, 'the disposition e-mail');
  assert.match(disposition()[0].rcpt.join(' '), /_dinkes@berau\.go\.id/);
  // Delivered while the alerts' Telegram request was still hanging (one worker could not have).
  assert.equal(hungClosed, false);
  assert.equal(telegram.sends.length, 1);

  // Telegram recovers: the group gets each alert once, each officer each alert's e-mail once.
  telegram.hang = false;
  hung.statusCode = 502;
  hung.end(JSON.stringify({ ok: false, error_code: 502, description: 'Bad Gateway' }));
  const group = () => telegram.sends.filter((p) => p.chat_id === GROUP);
  const alertMails = () => smtp.mails.filter((m) => m.data.includes('/alerts/'));
  for (let i = 0; i < 400 && !(group().length >= 3 && alertMails().length >= 4); i++) await sleep(50);
  await sleep(1000);
  const alertsOf = (texts) => texts.map((t) => /\/alerts\/(\d+)/.exec(t)?.[1]).sort();
  const groupAlerts = alertsOf(group().slice(1).map((p) => p.text)); // after the failed first try
  assert.equal(new Set(groupAlerts).size, 2, JSON.stringify(groupAlerts));
  assert.equal(groupAlerts.length, 2);
  // Two officers, two alerts: four e-mails, each officer each alert once; the disposition once each.
  const key = (m) => `${m.rcpt.join(' ')} ${/\/alerts\/(\d+)/.exec(m.data)?.[1]}`;
  assert.equal(alertMails().length, 4);
  assert.equal(new Set(alertMails().map(key)).size, 4);
  assert.equal(new Set(alertsOf(alertMails().map((m) => m.data))).size, 2);
  assert.equal(new Set(disposition().map((m) => m.rcpt.join(' '))).size, disposition().length);
});
