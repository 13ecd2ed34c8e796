// Integration: alert messages leave by the durable job queue, never inside the evaluation. A burst
// opens two alerts (the query's and the agency topic's) while the SMTP relay is down (nothing
// listens on its port) and the Telegram Bot API hangs: "evaluate now" answers at once anyway. Then
// Telegram answers the agency group's message about the topic with 403 (the bot was removed from
// the group: never retried), the group's message about the query first with 502 (retried once, then
// delivered), the officer's own chat with the message; the relay comes back and each officer gets
// each alert by e-mail exactly once. Evaluating again tells nobody twice. Real server, real SQLite,
// fakes on loopback answering in Telegram's official format (../shared/fixtures/telegram-bot).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, newDataDir, addUser, loggedIn, startFakeTelegram, startFakeSmtp, deadPort, alertingAgency, ROOT } from './lib.mjs';

const GROUP = -1001112223334;
const OFFICER_CHAT = 777001;
let server, telegram, smtp, smtpPort, admin, dinkes;
const example = JSON.parse(readFileSync(join(process.env.HUMAS_SHARED || join(ROOT, '..', 'shared'), 'fixtures/telegram-bot/official-webhook-guide/05_message_with_reply.json'), 'utf8')).message;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  telegram = await startFakeTelegram({ token: '43:ALERTJOBS', username: 'humas_alerts' });
  smtpPort = await deadPort();
  const dataDir = newDataDir();
  addUser(dataDir, 'admin', 'admin');
  server = await startServer({
    dataDir,
    env: {
      HUMAS_TELEGRAM_BOT_TOKEN: '43:ALERTJOBS',
      HUMAS_TELEGRAM_API_BASE: telegram.url,
      HUMAS_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      HUMAS_SMTP_FROM: 'humas@berau.go.id',
      HUMAS_SMTP_REQUIRE_TLS: 'false',
      HUMAS_PUBLIC_URL: 'https://humas.berau.go.id',
    },
  });
  admin = await loggedIn(server.url, 'admin');
  dinkes = (await alertingAgency(admin, { group: GROUP, chats: { petugas_dinkes: OFFICER_CHAT } })).agency;
});

after(async () => {
  await server?.stop();
  telegram?.close();
  smtp?.close();
});

function answer(res, status, body) {
  res.statusCode = status;
  res.end(JSON.stringify(body));
}

test('dead SMTP and hung Telegram: the evaluation answers at once; 403 dropped, 502 retried once, everyone told once', async () => {
  telegram.hang = true;
  const ev = await admin.post('/api/v1/alerts/evaluate', {});
  assert.equal(ev.status, 200, ev.text);
  assert.equal(ev.json.opened, 2, ev.text);
  // Answered while Telegram has answered nothing (hanging, or not even asked yet).
  assert.equal(telegram.sends.length - telegram.held.length, 0);

  // The relay comes back on its port; Telegram answers each request as it arrives. With `hang` on,
  // every request is in `sends` and its response in `held`, in the same order.
  smtp = await startFakeSmtp({ port: smtpPort });
  const tried = { groupQuery: 0, groupTopic: 0, officer: 0, other: 0 };
  let answered = 0;
  let nextId = 51000;
  const serve = () => {
    while (answered < telegram.held.length) {
      const p = telegram.sends[answered];
      const res = telegram.held[answered];
      answered += 1;
      const ok = () => answer(res, 200, { ok: true, result: { ...example, message_id: nextId++, text: p.text, chat: { ...example.chat, id: p.chat_id, type: 'supergroup' } } });
      if (p.chat_id === GROUP && /"Banjir"/.test(p.text)) {
        tried.groupQuery += 1;
        if (tried.groupQuery === 1) answer(res, 502, { ok: false, error_code: 502, description: 'Bad Gateway' });
        else ok();
      } else if (p.chat_id === GROUP) {
        tried.groupTopic += 1;
        answer(res, 403, { ok: false, error_code: 403, description: 'Forbidden: bot was kicked from the supergroup chat' });
      } else if (p.chat_id === OFFICER_CHAT) {
        tried.officer += 1;
        ok();
      } else {
        tried.other += 1;
        ok();
      }
    }
  };
  for (let i = 0; i < 600 && !(tried.groupQuery >= 2 && tried.groupTopic >= 1 && tried.officer >= 2 && smtp.mails.length >= 4); i++) {
    serve();
    await sleep(50);
  }
  // Long enough for a wrong retry of the 403 (the back-off after one attempt is 2 s) to show.
  for (let i = 0; i < 80; i++) {
    serve();
    await sleep(50);
  }
  assert.deepEqual(tried, { groupQuery: 2, groupTopic: 1, officer: 2, other: 0 });
  const groupMsg = telegram.sends.filter((p) => p.chat_id === GROUP && /"Banjir"/.test(p.text));
  assert.match(groupMsg[1].text, /Lonjakan percakapan/);
  assert.match(groupMsg[1].text, /https:\/\/humas\.berau\.go\.id\/mentions\?query_id=\d+&since=/);
  assert.match(groupMsg[1].text, /https:\/\/humas\.berau\.go\.id\/alerts\/\d+/);

  // E-mail: each officer got each alert once, after the relay came back.
  assert.equal(smtp.mails.length, 4, JSON.stringify(smtp.mails.map((m) => m.rcpt)));
  for (const who of ['pejabat_dinkes', 'petugas_dinkes']) {
    assert.equal(smtp.mails.filter((m) => m.rcpt.join(' ').includes(`${who}@berau.go.id`)).length, 2, who);
  }
  assert.ok(smtp.mails.every((m) => m.data.includes('https://humas.berau.go.id/mentions?')));

  // Evaluating again (the alerts are still hot) tells nobody again.
  const sends = telegram.sends.length;
  const again = await admin.post('/api/v1/alerts/evaluate', {});
  assert.equal(again.json.opened, 0, again.text);
  assert.equal(again.json.refreshed, 2, again.text);
  for (let i = 0; i < 30; i++) {
    serve();
    await sleep(50);
  }
  assert.equal(telegram.sends.length, sends);
  assert.equal(smtp.mails.length, 4);
});
