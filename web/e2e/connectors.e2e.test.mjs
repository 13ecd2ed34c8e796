// Browser end-to-end: connectors and their health. An admin adds an RSS connector pointing at a
// fake news portal on loopback (serving a real-format feed from ../shared/fixtures), runs it, sees
// its health turn ok with items read and the feed's entries among the conversations; a feed that
// fails shows its last error and time; a Telegram webhook connector shows the address the
// platform calls and its deliveries (and a forged one) in its health; an X search connector against
// a fake X API shows the monthly read budget used as a bar; an X filtered stream connector keeps a
// live connection to a fake X stream, its rules follow the agency's queries and the page names the
// query X's rule language cannot express and the rule X refused (also in the query editor); a
// run's notice shows; a petugas of the agency reads the page without the
// management buttons, also on a phone. Real server, real SQLite, real Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import { startServer, newDataDir, addUser, loggedIn, launchBrowser, snap, WEB_DIR, ROOT, PASSWORD } from './lib.mjs';

const tid = (id) => `[data-testid="${id}"]`;
const SHARED = process.env.HUMAS_SHARED || join(ROOT, '..', 'shared');
const FEED = readFileSync(resolve(SHARED, 'fixtures/rss-atom/feedparser-docs-examples/rss20.xml'));
// X API v2 recent search as recorded by tweepy's test cassettes.
const X_SEARCH = JSON.stringify(JSON.parse(readFileSync(resolve(SHARED, 'fixtures/x-api-v2/tweepy-cassettes/search_recent_tweets_0.json'), 'utf8')).body);

let server, chrome, page, api, feedServer, feedBase, dinkes;
const hits = { good: 0, broken: 0, x: 0, stale: 0, xAuth: '', streams: 0, rulesAdded: [] };
const X_LAST_PAGE = (() => {
  const p = JSON.parse(X_SEARCH);
  delete p.meta.next_token;
  return JSON.stringify(p);
})();
// The same recorded posts as the filtered stream sends them: one post with its author per line.
const X_PAGE = JSON.parse(X_SEARCH);
const X_LINES = X_PAGE.data.map((t) => JSON.stringify({ data: t, includes: { users: (X_PAGE.includes?.users ?? []).filter((u) => u.id === t.author_id) }, matching_rules: [{ id: '1', tag: 'humas:q1' }] }));

before(async () => {
  // A fake news portal: /good.xml serves the fixture feed, /broken.xml answers 500.
  feedServer = createServer((req, res) => {
    if (req.url.startsWith('/2/tweets/search/stream/rules')) {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const add = req.method === 'POST' ? JSON.parse(body).add ?? [] : [];
        // X refuses a rule of stopwords alone, as its dry run answers (errors[].value/details).
        const refused = add.filter((r) => r.value === 'yang');
        const answer = { meta: { sent: new Date().toISOString() } };
        if (refused.length) answer.errors = refused.map((r) => ({ value: r.value, title: 'UnprocessableEntity', details: ['Rules must contain a non-stopword term.'], type: 'https://api.twitter.com/2/problems/invalid-rules' }));
        if (req.method === 'POST' && !req.url.includes('dry_run')) hits.rulesAdded.push(...add.filter((r) => r.value !== 'yang'));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer));
      });
    } else if (req.url.startsWith('/2/tweets/search/stream')) {
      // A long-lived chunked response: the posts, then keep-alive lines until humas leaves.
      hits.streams++;
      res.writeHead(200, { 'content-type': 'application/json' });
      for (const line of X_LINES) res.write(line + '\r\n');
      const alive = setInterval(() => res.write('\r\n'), 1000);
      req.on('close', () => clearInterval(alive));
    } else if (req.url.startsWith('/2/tweets/search/recent') && req.url.includes('since_id=')) {
      // A checkpoint older than recent search's 7 days, answered as X does (HTTP 400).
      hits.stale++;
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ parameters: { since_id: ['1'] }, message: "Invalid 'since_id':'1'. 'since_id' must be a tweet id created after 2026-11-17T00:00Z." }], title: 'Invalid Request', detail: 'One or more parameters to your request was invalid.', type: 'https://api.twitter.com/2/problems/invalid-request' }));
    } else if (req.url.startsWith('/2/tweets/search/recent')) {
      hits.x++;
      hits.xAuth = req.headers.authorization || '';
      res.writeHead(200, { 'content-type': 'application/json' });
      // The recorded page names a next page; the next page is the last one (the sweep completes
      // and the connector keeps its since_id).
      res.end(req.url.includes('next_token=') ? X_LAST_PAGE : X_SEARCH);
    } else if (req.url === '/good.xml') {
      hits.good++;
      res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' });
      res.end(FEED);
    } else {
      hits.broken++;
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('portal sedang gangguan');
    }
  });
  await new Promise((r) => feedServer.listen(0, '127.0.0.1', r));
  feedBase = `http://127.0.0.1:${feedServer.address().port}`;

  const dataDir = newDataDir();
  addUser(dataDir, 'admin', 'admin');
  server = await startServer({ dataDir, args: ['--web-dir', WEB_DIR], env: { HUMAS_CONNECTOR_POLL_TICK_SECONDS: '1' } });
  api = await loggedIn(server.url, 'admin');
  const region = (await api.get('/api/v1/agencies?kind=region')).json.items[0];
  const a = await api.post('/api/v1/agencies', { kind: 'agency', parent_id: region.id, name: 'Dinas Kesehatan', code: 'dinkes' });
  assert.equal(a.status, 201, a.text);
  dinkes = a.json.id;
  const u = await api.post('/api/v1/users', { username: 'petugas1', display_name: 'Petugas Satu', password: PASSWORD, roles: [{ role: 'petugas', agency_id: dinkes }] });
  assert.equal(u.status, 201, u.text);

  chrome = await launchBrowser();
  page = chrome.browser.pages()[0] || (await chrome.browser.newPage());
  page.setDefaultTimeout(20000);
});

after(async () => {
  await chrome?.close();
  await server?.stop();
  feedServer?.closeAllConnections?.();
  feedServer?.close();
});

async function login(username) {
  await page.goto(server.url + '/');
  await page.waitForSelector(tid('login-form'));
  await page.fill(tid('login-username'), username);
  await page.fill(tid('login-password'), PASSWORD);
  await page.click(tid('login-submit'));
  await page.waitForSelector(tid('nav-connectors'));
}

const row = (name) => page.locator(tid('connector-row')).filter({ hasText: name });

async function addRss(name, url) {
  await page.click(tid('connector-create'));
  await page.waitForSelector(tid('connector-form'));
  await page.selectOption(tid('connector-kind'), 'rss');
  await page.selectOption(tid('connector-agency'), { label: 'Dinas Kesehatan' });
  await page.fill(tid('connector-name'), name);
  await page.fill(tid('connector-setting-url'), url);
  await page.fill(tid('connector-interval'), '60');
  await page.click(tid('connector-save'));
  await page.waitForSelector(tid('connector-form'), { state: 'detached' });
  await row(name).waitFor();
}

test('an RSS connector runs, its health turns ok and its entries appear as conversations', async () => {
  await login('admin');
  await page.click(tid('nav-connectors'));
  await page.waitForSelector(tid('connectors-counts'));

  // The form checks the address before sending anything.
  await page.click(tid('connector-create'));
  await page.selectOption(tid('connector-agency'), { label: 'Dinas Kesehatan' });
  await page.fill(tid('connector-name'), 'Salah alamat');
  await page.fill(tid('connector-setting-url'), 'ftp://portal.example/feed');
  await page.click(tid('connector-save'));
  assert.match(await page.textContent(tid('field-error-connector-setting-url')), /http:\/\/ atau https:\/\//);
  await page.click(tid('connector-cancel'));
  assert.equal((await api.get('/api/v1/connectors')).json.total, 0);

  await addRss('Portal Berita Berau', `${feedBase}/good.xml`);
  const r = row('Portal Berita Berau');
  assert.equal(await r.locator(tid('connector-credentials')).count(), 0);  // a feed needs none
  // Run now; the page refreshes itself until the poll is recorded.
  await r.locator(tid('connector-run')).click();
  await page.waitForSelector(`${tid('connector-row')}[data-status="ok"]`);
  assert.ok(hits.good >= 1);
  assert.match(await r.locator(tid('connector-status')).textContent(), /Sehat/);
  assert.doesNotMatch(await r.locator(tid('connector-last-success')).textContent(), /Belum pernah/);
  assert.equal(await r.locator(tid('connector-last-error')).textContent(), 'Tidak ada');
  const items = Number(await r.locator(tid('connector-items')).getAttribute('data-items'));
  assert.ok(items >= 1, `items read: ${items}`);
  assert.match(await page.textContent(tid('connectors-count-ok')), /1/);
  await snap(page, 'connectors-01-ok');

  // The entries are stored as the agency's conversations.
  await r.locator(tid('connector-mentions')).click();
  await page.waitForSelector(tid('mention-results'));
  await page.locator(tid('mention-result')).filter({ hasText: 'First item title' }).waitFor();
  assert.match(page.url(), /platform=rss/);
});

test('a failing feed shows its last error and when it happened', async () => {
  await page.click(tid('nav-connectors'));
  await addRss('Portal Gangguan', `${feedBase}/broken.xml`);
  const r = row('Portal Gangguan');
  await page.waitForSelector(`${tid('connector-row')}[data-status="failing"]`);
  assert.ok(hits.broken >= 1);
  assert.match(await r.locator(tid('connector-status')).textContent(), /Gagal/);
  const err = await r.locator(tid('connector-last-error')).textContent();
  assert.match(err, /HTTP 500/);
  assert.match(err, /gagal 1× berturut-turut/);
  assert.match(await page.textContent(tid('connectors-count-failing')), /1/);
  await snap(page, 'connectors-02-failing');

  // Paused: no next run, and "run now" is off until it is resumed.
  await r.locator(tid('connector-toggle')).click();
  await page.waitForSelector(`${tid('connector-row')}[data-status="disabled"]`);
  assert.match(await r.locator(tid('connector-next-run')).textContent(), /Tidak dijadwalkan/);
  assert.equal(await r.locator(tid('connector-run')).isDisabled(), true);
  const stored = (await api.get('/api/v1/connectors')).json.items.find((c) => c.name === 'Portal Gangguan');
  assert.equal(stored.enabled, false);
});

test('a Telegram webhook connector shows its address; deliveries and a forged one show in its health', async () => {
  await page.click(tid('connector-create'));
  await page.waitForSelector(tid('connector-form'));
  await page.selectOption(tid('connector-kind'), 'webhook_telegram');
  await page.selectOption(tid('connector-agency'), { label: 'Dinas Kesehatan' });
  await page.fill(tid('connector-name'), 'Bot Dinkes');
  // The secret is required for a new webhook connector; the form says so before sending.
  await page.click(tid('connector-save'));
  assert.match(await page.textContent(tid('field-error-connector-credential-secret_token')), /Wajib diisi/);
  await page.fill(tid('connector-credential-secret_token'), 'Dinkes_Bot-Token_42');
  assert.equal(await page.locator(tid('connector-interval')).count(), 0);  // pushed, not polled
  await page.click(tid('connector-save'));
  await page.waitForSelector(tid('connector-form'), { state: 'detached' });
  const r = row('Bot Dinkes');
  await r.waitFor();
  const id = await r.getAttribute('data-connector-id');
  const address = await r.locator(tid('connector-callback')).textContent();
  assert.equal(address, `${server.url}/hooks/telegram/${id}`);
  assert.match(await r.locator(tid('connector-next-run')).textContent(), /Dikirim oleh platform/);
  assert.equal(await r.locator(tid('connector-run')).count(), 0);
  assert.equal(await r.locator(tid('connector-credentials')).getAttribute('data-state'), 'set');
  assert.ok(!(await page.content()).includes('Dinkes_Bot-Token_42'));

  // The platform delivers to that address (the official guide's update, real format).
  const update = readFileSync(resolve(SHARED, 'fixtures/telegram-bot/official-webhook-guide/02_message_text.json'));
  const deliver = (token) => fetch(address, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': token }, body: update });
  assert.equal((await deliver('Dinkes_Bot-Token_42')).status, 200);
  await page.waitForSelector(`${tid('connector-row')}[data-connector-id="${id}"][data-status="ok"]`);
  assert.equal(await r.locator(tid('connector-items')).getAttribute('data-items'), '1');
  assert.doesNotMatch(await r.locator(tid('connector-last-success')).textContent(), /Belum pernah/);
  // A forged delivery is refused and becomes the last error.
  assert.equal((await deliver('Dinkes_Bot-Token_43')).status, 403);
  await page.waitForSelector(`${tid('connector-row')}[data-connector-id="${id}"][data-status="failing"]`);
  assert.match(await r.locator(tid('connector-last-error')).textContent(), /Secret-Token does not match/);
  await snap(page, 'connectors-03-webhook');

  // Editing shows the address and says the stored secret is kept unless a new one is typed.
  await r.locator(tid('connector-edit')).click();
  await page.waitForSelector(tid('connector-form-callback'));
  assert.equal(await page.getAttribute(tid('connector-credentials-state'), 'data-state'), 'set');
  assert.equal(await page.inputValue(tid('connector-credential-secret_token')), '');
  await page.keyboard.press('Escape');
  await page.waitForSelector(tid('connector-form'), { state: 'detached' });
});

test('an X search connector: the admin sets the monthly read budget and sees it used as a bar', async () => {
  await page.click(tid('connector-create'));
  await page.waitForSelector(tid('connector-form'));
  await page.selectOption(tid('connector-kind'), 'x_search');
  await page.selectOption(tid('connector-agency'), { label: 'Dinas Kesehatan' });
  await page.fill(tid('connector-name'), 'Pencarian X Dinkes');
  await page.fill(tid('connector-setting-query'), 'tweepy');
  await page.fill(tid('connector-setting-api_base'), feedBase);
  await page.fill(tid('connector-credential-bearer_token'), 'AAAA-test-bearer');
  await page.fill(tid('connector-budget-input'), '1000');
  await page.click(tid('connector-save'));
  await page.waitForSelector(tid('connector-form'), { state: 'detached' });
  const r = row('Pencarian X Dinkes');
  await r.waitFor();
  await r.locator(tid('connector-run')).click();
  const id = await r.getAttribute('data-connector-id');
  await page.waitForSelector(`${tid('connector-row')}[data-connector-id="${id}"][data-status="ok"]`);
  assert.ok(hits.x >= 1);
  assert.equal(hits.xAuth, 'Bearer AAAA-test-bearer');
  const bar = r.locator(tid('connector-budget'));
  await page.waitForFunction((sel) => Number(document.querySelector(sel)?.getAttribute('data-used')) > 0, `${tid('connector-row')}[data-connector-id="${id}"] ${tid('connector-budget')}`);
  // The bar follows the stored count: the page refreshes every 2 s after "run now", and the
  // scheduler may run the connector again meanwhile, so wait until both agree.
  let used = -1;
  let stored = null;
  for (let i = 0; i < 40 && (stored === null || stored.reads_used !== used); i++) {
    if (i > 0) await new Promise((ok) => setTimeout(ok, 250));
    stored = (await api.get(`/api/v1/connectors/${id}`)).json;
    used = Number(await bar.getAttribute('data-used'));
  }
  assert.equal(stored.reads_used, used);
  assert.equal(await bar.getAttribute('data-budget'), '1000');
  assert.ok(used >= 10 && used <= 1000, `reads used: ${used}`);
  assert.match(await r.textContent(), new RegExp(`${used} dari 1\\.000 baca`));
  await snap(page, 'connectors-05-x-budget');
});

test('a notice of a run that still worked shows on the connectors page', async () => {
  // The next run asks X from the saved since_id; X says it is older than its 7 days: the run
  // resumes from the window's start and the page shows the notice (connector health `notice`).
  const r = row('Pencarian X Dinkes');
  await r.locator(tid('connector-run')).click();
  const notice = r.locator(tid('connector-notice'));
  await notice.waitFor();
  assert.ok(hits.stale >= 1);
  assert.match(await notice.textContent(), /older than X recent search's 7 days/);
  await snap(page, 'connectors-05b-notice');
});

test('an X filtered stream: live connection, rules from the agency queries, the query X cannot express named', async () => {
  const words = await api.post('/api/v1/queries', { agency_id: dinkes, name: 'Tweepy', expression: 'tweepy' });
  assert.equal(words.status, 201, words.text);
  const prefix = await api.post('/api/v1/queries', { agency_id: dinkes, name: 'Awalan vaksin', expression: 'vaksin*' });
  assert.equal(prefix.status, 201, prefix.text);
  const stop = await api.post('/api/v1/queries', { agency_id: dinkes, name: 'Kata umum', expression: 'yang' });
  assert.equal(stop.status, 201, stop.text);
  await page.click(tid('connector-create'));
  await page.waitForSelector(tid('connector-form'));
  await page.selectOption(tid('connector-kind'), 'x_stream');
  await page.selectOption(tid('connector-agency'), { label: 'Dinas Kesehatan' });
  await page.fill(tid('connector-name'), 'Aliran X Dinkes');
  await page.fill(tid('connector-setting-api_base'), feedBase);
  await page.fill(tid('connector-credential-bearer_token'), 'AAAA-stream-bearer');
  await page.fill(tid('connector-budget-input'), '1000');
  await page.click(tid('connector-save'));
  await page.waitForSelector(tid('connector-form'), { state: 'detached' });
  const r = row('Aliran X Dinkes');
  await r.waitFor();
  const id = await r.getAttribute('data-connector-id');
  const sel = `${tid('connector-row')}[data-connector-id="${id}"]`;
  // The stream connects (the page refreshes its health) and the posts count against the budget.
  await page.waitForFunction(async (url) => {
    const c = await (await fetch(url, { credentials: 'include' })).json();
    return c.stream?.connected && c.reads_used > 0;
  }, `${server.url}/api/v1/connectors/${id}`);
  await page.click(tid('connectors-refresh'));
  await page.waitForSelector(`${sel} ${tid('connector-stream')}[data-connected="true"]`);
  assert.ok(hits.streams >= 1);
  assert.deepEqual(hits.rulesAdded, [{ value: 'tweepy', tag: `humas:q${words.json.id}` }]);
  const rules = r.locator(tid('connector-x-rules'));
  assert.equal(await rules.getAttribute('data-rules'), '2');  // tweepy, and yang (refused by X)
  assert.equal(await rules.getAttribute('data-unexpressible'), '1');
  const missing = r.locator(tid('connector-x-unexpressible'));
  assert.equal(await missing.getAttribute('data-query-id'), String(prefix.json.id));
  assert.match(await missing.textContent(), /Awalan vaksin.*wildcard/);
  assert.match(await rules.textContent(), /tidak dapat dipantau lewat aliran X: .*wildcard/);
  // The rule X refused at its dry run is named too, with X's reason.
  await page.waitForSelector(`${sel} ${tid('connector-x-refused')}`);
  assert.equal(await rules.getAttribute('data-refused'), '1');
  const refused = r.locator(tid('connector-x-refused'));
  assert.equal(await refused.getAttribute('data-query-id'), String(stop.json.id));
  assert.match(await refused.textContent(), /Kata umum.*tidak dapat dipantau lewat aliran X: X menolak aturannya: .*non-stopword/);
  const used = Number(await r.locator(tid('connector-budget')).getAttribute('data-used'));
  assert.ok(used >= X_LINES.length, `reads used: ${used}`);
  await snap(page, 'connectors-06-x-stream');

  // The query editor says the same of the query being edited.
  await page.click(tid('nav-queries'));
  const item = page.locator(tid('query-item')).filter({ hasText: 'Kata umum' });
  await item.locator(tid('query-edit')).click();
  const gap = page.locator(tid('query-x-gap'));
  await gap.waitFor();
  assert.equal(await gap.getAttribute('data-connector-id'), id);
  assert.match(await gap.textContent(), /Tidak dapat dipantau lewat aliran X \(Aliran X Dinkes\):.*X refused the rule: .*non-stopword/);
  await page.locator(tid('query-item')).filter({ hasText: 'Tweepy' }).locator(tid('query-edit')).click();
  await page.waitForFunction((s) => !document.querySelector(s), tid('query-x-gap'));
  await snap(page, 'connectors-07-query-x-gap');
  await page.click(tid('nav-connectors'));
});

test('a petugas of the agency reads connector health without management buttons', async () => {
  await page.click(tid('user-menu'));
  await page.click(tid('logout'));
  await login('petugas1');
  await page.click(tid('nav-connectors'));
  await row('Portal Berita Berau').waitFor();
  assert.equal(await page.locator(tid('connector-create')).count(), 0);
  assert.equal(await page.locator(tid('connector-run')).count(), 0);
  assert.equal(await page.locator(tid('connector-edit')).count(), 0);
  assert.equal(await page.locator(tid('connector-row')).count(), 5);
  assert.equal(await page.locator(tid('connector-budget-input')).count(), 0);
  // On a phone the health cards reflow: nothing is wider than the screen.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(100);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone`);
  await snap(page, 'connectors-04-phone');
  await page.setViewportSize({ width: 1366, height: 900 });
});
