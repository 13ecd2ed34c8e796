// Browser end-to-end (issue 6 part 7): a citizen's Telegram question walked from arrival through
// disposition to another agency — by Diskominfo's petugas, who sees only Diskominfo in the
// directory — re-forwarded by the wrong agency's petugas to the right one, a partial answer by
// that agency's pejabat, back to the first officer, and the public reply actually sent — as the agency's own bot (its connector in the registry) — to a fake
// Telegram Bot API on loopback that answers in the official example message format of
// ../shared/fixtures/telegram-bot. The case view then shows the sent message's Telegram id and
// link. Real server, real SQLite, real Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, startFakeTelegram, newDataDir, addUser, loggedIn, launchBrowser, login, logout, snap, PASSWORD, WEB_DIR } from './lib.mjs';
const QUESTION = 'Min, kapan jalan poros Sambaliung diperbaiki? Lubangnya makin besar sejak hujan.';
const ANSWER = 'Perbaikan jalan poros Sambaliung dijadwalkan mulai 2 Desember 2026.';
const REPLY = 'Terima kasih, Kak. Menurut Dinas PUPR perbaikan jalan poros Sambaliung dimulai 2 Desember 2026.';

let server, fake, chrome, page, admin;

before(async () => {
  fake = await startFakeTelegram({ token: '4242:KOMINFO', username: 'kominfo_berau', firstId: 9101 });
  const dataDir = newDataDir();
  addUser(dataDir, 'admin', 'admin');
  server = await startServer({ dataDir, args: ['--web-dir', WEB_DIR] });
  admin = await loggedIn(server.url, 'admin');
  const region = (await admin.get('/api/v1/agencies?kind=region')).json.items[0];
  const ids = {};
  for (const [code, name] of [['diskominfo', 'Dinas Komunikasi dan Informatika'], ['dinas-pupr', 'Dinas Pekerjaan Umum dan Penataan Ruang'], ['dishub', 'Dinas Perhubungan']]) {
    const r = await admin.post('/api/v1/agencies', { parent_id: region.id, kind: 'agency', name, code, timezone: 'Asia/Makassar' });
    assert.equal(r.status, 201, r.text);
    ids[code] = r.json.id;
  }
  // Every actor holds a role on their own agency only: the disposition dialog must still list the
  // region's other agencies (GET /dispositions/targets), not the officer's directory scope.
  for (const [username, display_name, role, agencyId] of [['kominfo.petugas', 'Dewi Kominfo', 'petugas', ids.diskominfo], ['dishub.petugas', 'Agus Dishub', 'petugas', ids.dishub], ['pupr.pejabat', 'Rina PUPR', 'pejabat', ids['dinas-pupr']]]) {
    const u = await admin.post('/api/v1/users', { username, display_name, password: PASSWORD, roles: [{ role, agency_id: agencyId }] });
    assert.equal(u.status, 201, u.text);
  }
  // Diskominfo's own Telegram bot answers its conversations (no installation-wide bot is set).
  const conn = await admin.post('/api/v1/connectors', {
    agency_id: ids.diskominfo, platform: 'telegram', name: 'Bot Diskominfo',
    settings: { api_base: fake.url }, credentials: { bot_token: '4242:KOMINFO' },
  });
  assert.equal(conn.status, 201, conn.text);
  // Arrival: the citizen's message in Diskominfo's public Telegram group.
  const line = JSON.stringify({ platform: 'telegram', external_id: '-1001555:321', author: { handle: 'warga_sambaliung', name: 'Warga Sambaliung' }, text: QUESTION, created_at: new Date().toISOString(), agency: 'diskominfo', kind: 'message' });
  const imp = await admin.request('POST', '/api/v1/mentions/import', { body: line, raw: true, headers: { 'content-type': 'application/x-ndjson' } });
  assert.equal(imp.json.imported, 1, imp.text);
  chrome = await launchBrowser();
  page = chrome.browser.pages()[0] || (await chrome.browser.newPage());
  page.setDefaultTimeout(15000);
});

after(async () => {
  await chrome?.close();
  await server?.stop();
  fake?.close();
});

const tid = (id) => `[data-testid="${id}"]`;

test('a Telegram question goes through disposition and back, and the reply reaches Telegram', async () => {
  await login(page, server.url, 'kominfo.petugas');
  const found = await admin.get('/api/v1/mentions?q=' + encodeURIComponent('"poros Sambaliung"'));
  await page.goto(`${server.url}/mentions/${found.json.items[0].id}`);
  await page.click(tid('mention-open-case'));
  await page.waitForURL(/\/inbox\/cases\/\d+$/);
  const caseUrl = page.url();
  await page.waitForSelector(tid('case-conversation'));
  assert.match(await page.textContent(tid('case-conversation')), /poros Sambaliung/);
  // Diskominfo's bot is connected: the composer may send, with Telegram's limit.
  assert.equal(await page.locator(tid('composer-unsendable')).count(), 0);
  assert.match(await page.textContent(tid('composer-count')), /4\.?096/);

  // Forward — to the wrong agency first (Dinas Perhubungan), as Diskominfo's petugas.
  await page.keyboard.press('f');
  await page.waitForSelector(tid('disposition-dialog'));
  await page.waitForSelector(tid('disposition-agency-option')); // loaded from /dispositions/targets
  const options = await page.$$eval(tid('disposition-agency-option'), (els) => els.map((e) => e.getAttribute('data-agency-code')));
  assert.deepEqual(options.sort(), ['dinas-pupr', 'dishub'], 'the region\'s other agencies, not Diskominfo itself');
  await page.check(`${tid('disposition-agency-option')}[data-agency-code="dishub"]`);
  await page.waitForSelector(tid('disposition-estimate'));
  assert.match(await page.textContent(tid('disposition-estimate')), /Dinas Perhubungan/);
  await page.fill(tid('disposition-context'), 'Mohon jadwal perbaikan untuk dijawab ke warga.');
  await page.click(tid('disposition-submit'));
  await page.waitForSelector(tid('disposition-result-item'));
  await page.click(tid('disposition-close'));
  await page.waitForSelector(`${tid('case-state')}:has-text("Menunggu instansi")`);
  await snap(page, 'reply-01-forwarded');

  // Dinas Perhubungan's petugas: not ours — forwards it on to Dinas PUPR from the incoming box.
  await logout(page);
  await login(page, server.url, 'dishub.petugas');
  await page.click(tid('nav-dispositions'));
  await page.waitForSelector(`${tid('disposition')}[data-state="menunggu"]`);
  await page.click(tid('disposition-forward'));
  await page.check(`${tid('disposition-forward-agency-option')}[data-agency-code="dinas-pupr"]`);
  assert.equal(await page.locator(`${tid('disposition-forward-agency-option')}[data-agency-code="dishub"]`).count(), 0);
  await page.fill(tid('disposition-text'), 'Jalan poros kewenangan Dinas PUPR.');
  await page.click(tid('disposition-confirm'));
  await page.waitForSelector(`${tid('disposition')}[data-state="menunggu"]`, { state: 'detached' });

  // Dinas PUPR's pejabat answers what is known so far (a partial answer).
  await logout(page);
  await login(page, server.url, 'pupr.pejabat');
  await page.click(tid('nav-dispositions'));
  await page.waitForSelector(`${tid('disposition')}[data-state="menunggu"]`);
  assert.match(await page.textContent(tid('disposition-question-text')), /poros Sambaliung/);
  await page.click(tid('disposition-answer'));
  await page.fill(tid('disposition-text'), ANSWER);
  await page.check(tid('disposition-partial'));
  await page.click(tid('disposition-confirm'));
  await page.waitForSelector(`${tid('disposition')}[data-state="menunggu"]`, { state: 'detached' });

  // Back at Diskominfo: the answer is on the case; the petugas replies to the citizen.
  await logout(page);
  await login(page, server.url, 'kominfo.petugas');
  await page.goto(caseUrl);
  await page.waitForSelector(tid('disposition-answer-text'));
  assert.match(await page.textContent(tid('disposition-answer-text')), /2 Desember 2026/);
  const states = await page.$$eval(tid('disposition'), (els) => els.map((e) => e.getAttribute('data-state')));
  assert.deepEqual(states.sort(), ['diteruskan', 'sebagian']);
  await page.keyboard.press('r');
  await page.fill(tid('composer-text'), REPLY);
  await page.click(tid('composer-send'));
  await page.waitForSelector(tid('case-reply'));
  // The send runs in the background; the case view follows it to "sent" (reload if no live event).
  for (let i = 0; i < 50; i++) {
    if (await page.locator(`${tid('case-reply')}[data-state="sent"]`).count()) break;
    await page.waitForTimeout(200);
    if (i % 10 === 9) await page.reload();
  }
  await page.waitForSelector(`${tid('case-reply')}[data-state="sent"]`);
  await page.waitForSelector(`${tid('case-state')}:has-text("Dijawab")`);

  // Telegram got it once, in the citizen's chat, as a reply to their message, from Diskominfo's bot.
  const sent = fake.sends;
  assert.equal(sent.length, 1, JSON.stringify(sent));
  assert.equal(sent[0].chat_id, -1001555);
  assert.equal(sent[0].reply_parameters.message_id, 321);
  assert.equal(sent[0].text, REPLY);
  // The case view shows the sent message's Telegram id and its public link.
  const id = await page.textContent(tid('reply-platform-id'));
  assert.match(id, /-1001555:9101/);
  assert.equal(await page.getAttribute(tid('reply-link'), 'href'), 'https://t.me/kominfo_berau/9101');
  await snap(page, 'reply-02-sent');
});
