// Integration: an alert's messages survive a crash between opening the alert and telling its
// people. The server is started with the crash hook armed (HUMAS_CRASH_AT=alerts.after_open): the
// evaluation stores the first alert and the process dies on the spot (exit 86, as `kill -9` would
// leave it) before anyone was told. After a normal restart on the same data directory the alert's
// officers get their e-mail and Telegram message and the agency group its message exactly once,
// without waiting for the next evaluation; the next evaluation opens the second alert and tells it
// once too, and nobody is told twice. The bell's notification names the alert (`alert_id`) and the
// badge counts open alerts. Real server, real SQLite, fake SMTP and Telegram on loopback.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, newDataDir, addUser, loggedIn, startFakeTelegram, startFakeSmtp, alertingAgency } from './lib.mjs';

const GROUP = -1001112229999;
const OFFICER_CHAT = 777009;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let server, telegram, smtp, dataDir, env;

before(async () => {
  telegram = await startFakeTelegram({ token: '44:CRASH', username: 'humas_alerts' });
  smtp = await startFakeSmtp();
  dataDir = newDataDir();
  addUser(dataDir, 'admin', 'admin');
  env = {
    HUMAS_TELEGRAM_BOT_TOKEN: '44:CRASH',
    HUMAS_TELEGRAM_API_BASE: telegram.url,
    HUMAS_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
    HUMAS_SMTP_FROM: 'humas@berau.go.id',
    HUMAS_SMTP_REQUIRE_TLS: 'false',
    HUMAS_PUBLIC_URL: 'https://humas.berau.go.id',
    HUMAS_ALERT_EVERY_SECONDS: '86400', // only the evaluations this test asks for
  };
  server = await startServer({ dataDir, env: { ...env, HUMAS_CRASH_AT: 'alerts.after_open' } });
  const admin = await loggedIn(server.url, 'admin');
  await alertingAgency(admin, { group: GROUP, chats: { petugas_dinkes: OFFICER_CHAT } });
});

after(async () => {
  await server?.stop();
  telegram?.close();
  smtp?.close();
});

/** The alert ids named in what went out ("…/alerts/{id}"), one entry per message. */
const alertIds = (texts) => texts.map((t) => Number(/\/alerts\/(\d+)/.exec(t)?.[1]));
const count = (list, x) => list.filter((v) => v === x).length;

async function until(done, what) {
  for (let i = 0; i < 400 && !done(); i++) await sleep(50);
  assert.ok(done(), `timed out waiting for ${what}`);
}

test('a crash between opening an alert and telling anyone: told exactly once after the restart', async () => {
  const admin = await loggedIn(server.url, 'admin');
  let answered = true;
  try {
    await admin.post('/api/v1/alerts/evaluate', {});
  } catch {
    answered = false; // the connection died with the process
  }
  const { code } = await server.exited;
  assert.equal(code, 86, server.logs.join(''));
  assert.equal(answered, false);
  assert.ok(server.logs.join('').includes('"crash_point"'));
  // Died before telling anyone.
  await sleep(300);
  assert.equal(smtp.mails.length, 0);
  assert.equal(telegram.sends.length, 0);

  // Restart without the hook: the start's catch-up tells the one opened alert's people.
  server = await startServer({ dataDir, env });
  const officer = await loggedIn(server.url, 'petugas_dinkes');
  const open = (await officer.get('/api/v1/alerts?state=open')).json;
  assert.equal(open.total, 1, JSON.stringify(open));
  const first = open.items[0].id;
  await until(() => smtp.mails.length >= 2 && telegram.sends.length >= 2, 'the caught-up messages');

  // The next evaluation opens the other alert (the query's or the topic's) and tells it once.
  const ev = await (await loggedIn(server.url, 'admin')).post('/api/v1/alerts/evaluate', {});
  assert.equal(ev.status, 200, ev.text);
  assert.equal(ev.json.opened, 1, ev.text);
  assert.equal(ev.json.refreshed, 1, ev.text);
  await until(() => smtp.mails.length >= 4 && telegram.sends.length >= 4, 'the second alert\'s messages');
  await sleep(1500); // room for a wrong second delivery to show

  const all = (await officer.get('/api/v1/alerts?state=open')).json.items.map((a) => a.id);
  assert.equal(all.length, 2);
  const second = all.find((id) => id !== first);
  const mailIds = alertIds(smtp.mails.map((m) => m.data));
  for (const who of ['pejabat_dinkes', 'petugas_dinkes']) {
    const mine = alertIds(smtp.mails.filter((m) => m.rcpt.join(' ').includes(`${who}@berau.go.id`)).map((m) => m.data));
    assert.deepEqual([count(mine, first), count(mine, second)], [1, 1], `${who}: ${mailIds}`);
  }
  assert.equal(smtp.mails.length, 4);
  const groupIds = alertIds(telegram.sends.filter((p) => p.chat_id === GROUP).map((p) => p.text));
  const officerIds = alertIds(telegram.sends.filter((p) => p.chat_id === OFFICER_CHAT).map((p) => p.text));
  assert.deepEqual([count(groupIds, first), count(groupIds, second), groupIds.length], [1, 1, 2]);
  assert.deepEqual([count(officerIds, first), count(officerIds, second), officerIds.length], [1, 1, 2]);
  assert.equal(telegram.sends.length, 4);

  // The bell: one notification per alert, naming it; the badge counts the open alerts.
  const notes = (await officer.get('/api/v1/notifications')).json.items.filter((n) => n.kind === 'alert');
  assert.deepEqual(notes.map((n) => n.alert_id).sort(), [first, second].sort());
  const badge = (await officer.get('/api/v1/alerts/unread')).json;
  assert.equal(badge.open, 2, JSON.stringify(badge));
});
