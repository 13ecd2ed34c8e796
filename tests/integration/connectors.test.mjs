// Integration: the connector registry API — CRUD scoped per agency, write-only credentials sealed
// at rest (never in responses, the audit log or the database file), the key file, and health.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import { startServer, newDataDir, addUser, loggedIn, PASSWORD, ROOT } from './lib.mjs';

const SECRET = 'rahasia-token-XYZ-0123456789';
let server, admin, pejabat, petugas, feedServer, feedUrl, ids = {};
const FEED = readFileSync(resolve(process.env.HUMAS_SHARED || join(ROOT, '..', 'shared'),
  'fixtures/rss-atom/feedparser-docs-examples/atom10.xml'));
let feedRequests = [];
// A fake X API on loopback answering recent search with a recorded v2 response.
const X_SEARCHES = resolve(process.env.HUMAS_SHARED || join(ROOT, '..', 'shared'),
  'fixtures/x-api-v2/python-twitter/apis/searches');
const X_SEARCH = readFileSync(join(X_SEARCHES, 'search_tweets_query.json'));
const X_NYC = JSON.parse(readFileSync(join(X_SEARCHES, 'search_tweets_for_nyc.json')));
delete X_NYC.meta.next_token;  // one page
let xServer, xUrl, xRequests = [];

before(async () => {
  const dataDir = newDataDir();
  addUser(dataDir, 'admin', 'admin');
  // A fake news portal on loopback serving a fixture feed with an ETag.
  feedServer = createServer((req, res) => {
    feedRequests.push(req.headers['if-none-match'] || '');
    if (req.headers['if-none-match'] === '"f1"') { res.writeHead(304); res.end(); return; }
    res.writeHead(200, { 'content-type': 'application/atom+xml', etag: '"f1"' });
    res.end(FEED);
  });
  await new Promise((r) => feedServer.listen(0, '127.0.0.1', r));
  feedUrl = `http://127.0.0.1:${feedServer.address().port}/feed.atom`;
  xServer = createServer((req, res) => {
    xRequests.push({ url: req.url, auth: req.headers.authorization });
    if (req.headers.authorization !== `Bearer ${SECRET}`) { res.writeHead(401); res.end('{}'); return; }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(req.url.includes('dinkes') ? JSON.stringify(X_NYC) : X_SEARCH);
  });
  await new Promise((r) => xServer.listen(0, '127.0.0.1', r));
  xUrl = `http://127.0.0.1:${xServer.address().port}`;
  server = await startServer({ dataDir, env: { HUMAS_CONNECTOR_POLL_TICK_SECONDS: '1' } });
  admin = await loggedIn(server.url, 'admin');
  const region = (await admin.get('/api/v1/agencies?kind=region')).json.items[0];
  for (const [code, name] of [['dinkes', 'Dinas Kesehatan'], ['bpbd', 'BPBD']]) {
    const r = await admin.post('/api/v1/agencies', { kind: 'agency', parent_id: region.id, name, code });
    assert.equal(r.status, 201, r.text);
    ids[code] = r.json.id;
  }
  for (const [username, role] of [['pejabat1', 'pejabat'], ['petugas1', 'petugas']]) {
    const r = await admin.post('/api/v1/users', {
      username, display_name: username, password: PASSWORD, roles: [{ role, agency_id: ids.dinkes }],
    });
    assert.equal(r.status, 201, r.text);
  }
  pejabat = await loggedIn(server.url, 'pejabat1');
  petugas = await loggedIn(server.url, 'petugas1');
});

after(async () => {
  await server?.stop();
  feedServer?.close();
  xServer?.close();
});

async function waitFor(client, id, pred) {
  let c;
  for (let i = 0; i < 60; i++) {
    c = (await client.get(`/api/v1/connectors/${id}`)).json;
    if (pred(c)) return c;
    await new Promise((res) => setTimeout(res, 250));
  }
  return c;
}

test('the key file is created owner-only on first start', () => {
  const st = statSync(join(server.dataDir, 'connectors.key'));
  assert.equal(st.mode & 0o777, 0o600);
  assert.equal(st.size, 32);
});

test('a connector is created with write-only credentials', async () => {
  const r = await pejabat.post('/api/v1/connectors', {
    agency_id: ids.dinkes, platform: 'rss', name: 'Berita Dinkes',
    settings: { url: 'http://127.0.0.1:9/feed.xml' }, credentials: { basic_password: SECRET },
    poll_interval_seconds: 300,
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.credentials, 'set');
  assert.equal(r.json.status, 'pending');
  assert.equal(r.json.agency_name, 'Dinas Kesehatan');
  assert.ok(!r.text.includes(SECRET));
  ids.rss = r.json.id;

  const one = await petugas.get(`/api/v1/connectors/${ids.rss}`);
  assert.equal(one.status, 200);
  assert.ok(!one.text.includes(SECRET));
  const list = await petugas.get('/api/v1/connectors');
  assert.equal(list.json.total, 1);
  assert.ok(!list.text.includes(SECRET));

  const audit = await admin.get('/api/v1/audit?action=connector.');
  assert.equal(audit.json.items[0].action, 'connector.create');
  assert.equal(audit.json.items[0].details.credentials, 'set');
  assert.ok(!audit.text.includes(SECRET));

  // Not in the database file (nor its WAL) either.
  for (const f of readdirSync(server.dataDir)) {
    if (f.startsWith('humas.db')) assert.ok(!readFileSync(join(server.dataDir, f)).includes(SECRET), f);
  }
});

test('validation: settings, names, budget, unknown fields', async () => {
  const base = { agency_id: ids.dinkes, platform: 'rss', name: 'Lain' };
  let r = await pejabat.post('/api/v1/connectors', { ...base });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'settings');
  r = await pejabat.post('/api/v1/connectors', { ...base, settings: { url: 'file:///etc/passwd' } });
  assert.equal(r.status, 400);
  r = await pejabat.post('/api/v1/connectors', { ...base, name: 'berita dinkes', settings: { url: 'https://a.example/f' } });
  assert.equal(r.status, 409);
  r = await pejabat.post('/api/v1/connectors', { ...base, settings: { url: 'https://a.example/f' }, credentials: { n: 1 } });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'credentials');
  r = await pejabat.post('/api/v1/connectors', { ...base, platform: 'x', settings: { query: 'banjir' }, read_budget_monthly: 10000 });
  assert.equal(r.status, 403);  // budgets are the admin's
  r = await pejabat.post('/api/v1/connectors', { ...base, settings: { url: 'https://a.example/f' }, token: 'x' });
  assert.equal(r.status, 400);
  r = await pejabat.post('/api/v1/connectors', { ...base, settings: { url: 'https://a.example/f' }, poll_interval_seconds: 5 });
  assert.equal(r.status, 400);
  const count = await admin.get('/api/v1/connectors');
  assert.equal(count.json.total, 1);  // nothing was stored by the refused requests
});

test('scope: out-of-scope connectors are 404, petugas may not write', async () => {
  const x = await admin.post('/api/v1/connectors', {
    agency_id: ids.bpbd, platform: 'x', name: 'Pencarian X', settings: { query: 'banjir', api_base: xUrl },
    credentials: { bearer_token: SECRET }, read_budget_monthly: 10000,
  });
  assert.equal(x.status, 201, x.text);
  assert.equal(x.json.read_budget_monthly, 10000);
  ids.x = x.json.id;
  assert.equal((await pejabat.get(`/api/v1/connectors/${ids.x}`)).status, 404);
  assert.equal((await pejabat.patch(`/api/v1/connectors/${ids.x}`, { enabled: false })).status, 404);
  assert.equal((await pejabat.get('/api/v1/connectors')).json.total, 1);
  assert.equal((await pejabat.post('/api/v1/connectors', { agency_id: ids.bpbd, platform: 'rss', name: 'n', settings: { url: 'https://a.example/f' } })).status, 400);
  const w = await petugas.patch(`/api/v1/connectors/${ids.rss}`, { enabled: false });
  assert.equal(w.status, 403);
  const d = await petugas.request('DELETE', `/api/v1/connectors/${ids.rss}`);
  assert.equal(d.status, 403);
});

test('edit, clear credentials, run now, disable, health, delete', async () => {
  let r = await pejabat.patch(`/api/v1/connectors/${ids.rss}`, { name: 'Berita Dinkes 2', credentials: null });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.name, 'Berita Dinkes 2');
  assert.equal(r.json.credentials, 'not_set');
  r = await pejabat.patch(`/api/v1/connectors/${ids.rss}`, { platform: 'x' });
  assert.equal(r.status, 400);
  r = await pejabat.post(`/api/v1/connectors/${ids.rss}/run`, {});
  assert.equal(r.status, 200, r.text);
  r = await pejabat.patch(`/api/v1/connectors/${ids.rss}`, { enabled: false });
  assert.equal(r.json.status, 'disabled');
  assert.equal(r.json.next_run_at, null);
  r = await pejabat.post(`/api/v1/connectors/${ids.rss}/run`, {});
  assert.equal(r.status, 409);

  // The X connector runs against the fake X on its own (the tick is 1 s).
  assert.equal((await waitFor(admin, ids.x, (c) => c.status === 'ok')).status, 'ok');
  const h = await admin.get('/api/v1/connectors/health');
  assert.equal(h.status, 200);
  assert.equal(h.json.items.length, 2);
  assert.deepEqual(h.json.counts, { ok: 1, failing: 0, pending: 0, disabled: 1 });
  const hp = await pejabat.get('/api/v1/connectors/health');
  assert.equal(hp.json.items.length, 1);

  r = await pejabat.request('DELETE', `/api/v1/connectors/${ids.rss}`);
  assert.equal(r.status, 204);
  assert.equal((await pejabat.get(`/api/v1/connectors/${ids.rss}`)).status, 404);
  const audit = await admin.get('/api/v1/audit?action=connector.');
  const actions = audit.json.items.map((e) => e.action);
  for (const a of ['connector.create', 'connector.update', 'connector.run', 'connector.delete']) {
    assert.ok(actions.includes(a), a);
  }
});

test('an RSS connector polls a feed: entries arrive as mentions and health turns ok', async () => {
  const r = await pejabat.post('/api/v1/connectors', {
    agency_id: ids.dinkes, platform: 'rss', name: 'Portal berita', settings: { url: feedUrl },
    poll_interval_seconds: 60,
  });
  assert.equal(r.status, 201, r.text);
  const id = r.json.id;
  let health;
  for (let i = 0; i < 60; i++) {
    health = (await pejabat.get(`/api/v1/connectors/${id}`)).json;
    if (health.status === 'ok') break;
    await new Promise((res) => setTimeout(res, 500));
  }
  assert.equal(health.status, 'ok', JSON.stringify(health));
  assert.ok(health.items_total > 0);
  const mentions = await pejabat.get('/api/v1/mentions?platform=rss');
  assert.equal(mentions.status, 200, mentions.text);
  assert.equal(mentions.json.total, health.items_total);
  assert.equal(mentions.json.items[0].agency_id, ids.dinkes);
  // Run again now: a conditional GET, answered 304, stores nothing new.
  const run = await pejabat.post(`/api/v1/connectors/${id}/run`, {});
  assert.equal(run.status, 200);
  for (let i = 0; i < 40 && !feedRequests.includes('"f1"'); i++) await new Promise((res) => setTimeout(res, 250));
  assert.ok(feedRequests.includes('"f1"'), JSON.stringify(feedRequests));
  assert.equal((await pejabat.get('/api/v1/mentions?platform=rss')).json.total, mentions.json.total);
});

test('pull connectors: settings are validated per platform with a clear 400', async () => {
  const base = { agency_id: ids.dinkes, name: 'Tolak' };
  const cases = [
    ['x', {}, 'settings.query is required'],
    ['x', { query: 'banjir', max_results: 500 }, 'settings.max_results must be an integer from 10 to 100'],
    ['x', { query: 'banjir', api_base: 'file:///etc' }, 'settings.api_base must be a web address'],
    ['x', { query: 'banjir', since: 'kemarin' }, 'settings.since is not a known setting'],
    ['telegram', { limit: 0 }, 'settings.limit must be an integer from 1 to 100'],
    ['mastodon', { instance_url: 'https://m.example' }, 'exactly one of settings.hashtag, settings.account_id and settings.local'],
    ['mastodon', { hashtag: 'banjir' }, 'settings.instance_url is required'],
    ['youtube', {}, 'exactly one of settings.video_id and settings.channel_id'],
    ['youtube', { video_id: 'abc', daily_quota_units: '0' }, 'settings.daily_quota_units must be an integer from 1 to 1000000'],
    ['facebook', { page_id: 'halaman-ku' }, "settings.page_id must be the Page's numeric id"],
    ['facebook', { page_id: '19292868552', limit: 500 }, 'settings.limit must be an integer from 1 to 100'],
    ['instagram', { ig_user_id: 'akun' }, "settings.ig_user_id must be the Instagram account's numeric id"],
    ['x', { stream: true, query: 'banjir' }, 'settings.query is not a known setting'],
    ['x', { stream: true, backfill_minutes: 9 }, 'settings.backfill_minutes must be an integer from 0 to 5'],
    ['x', { stream: true, rules: ['a', 'b'], max_rules: 1 }, 'the plan allows 1'],
  ];
  for (const [platform, settings, message] of cases) {
    const r = await pejabat.post('/api/v1/connectors', { ...base, platform, settings });
    assert.equal(r.status, 400, `${platform} ${JSON.stringify(settings)}: ${r.text}`);
    assert.equal(r.json.error.field, 'settings');
    assert.ok(r.json.error.message.includes(message), r.json.error.message);
  }
  const ok = await pejabat.post('/api/v1/connectors', {
    ...base, platform: 'mastodon', settings: { instance_url: 'http://127.0.0.1:9', hashtag: '#BanjirBerau' },
    enabled: false,
  });
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.json.polled, true);
  const bad = await pejabat.patch(`/api/v1/connectors/${ok.json.id}`, { settings: { instance_url: 'http://127.0.0.1:9' } });
  assert.equal(bad.status, 400);
  assert.equal((await pejabat.get(`/api/v1/connectors/${ok.json.id}`)).json.settings.hashtag, '#BanjirBerau');
  assert.equal((await pejabat.request('DELETE', `/api/v1/connectors/${ok.json.id}`)).status, 204);
  // An X filtered stream is streamed, not polled, and lists its rules and what X cannot express.
  const q = await pejabat.post('/api/v1/queries', { agency_id: ids.dinkes, name: 'Awalan stream', expression: 'vaksin*' });
  assert.equal(q.status, 201, q.text);
  const xs = await pejabat.post('/api/v1/connectors', {
    ...base, platform: 'x', settings: { stream: true, api_base: 'http://127.0.0.1:9' }, enabled: false,
  });
  assert.equal(xs.status, 201, xs.text);
  assert.equal(xs.json.polled, false);
  assert.equal(xs.json.streamed, true);
  assert.ok(xs.json.x_rules.unexpressible.some((u) => u.query_id === q.json.id && u.reason.includes('wildcard')), JSON.stringify(xs.json.x_rules));
  assert.ok(xs.json.x_rules.rules.every((r) => r.tag.startsWith('humas:q')));
  assert.deepEqual(xs.json.x_rules.refused, []);  // no sync yet
  // The query itself says which X stream cannot watch it, and why — once the stream is enabled.
  assert.deepEqual((await pejabat.get(`/api/v1/queries/${q.json.id}`)).json.x_stream_gaps, []);
  const on = await pejabat.patch(`/api/v1/connectors/${xs.json.id}`, { enabled: true });
  assert.equal(on.status, 200, on.text);
  const gaps = (await pejabat.get(`/api/v1/queries/${q.json.id}`)).json.x_stream_gaps;
  assert.equal(gaps.length, 1, JSON.stringify(gaps));
  assert.equal(gaps[0].connector_id, xs.json.id);
  assert.match(gaps[0].reason, /wildcard/);
  assert.equal(gaps[0].kind, 'unexpressible');
  // Listing queries leaves it out (it costs a rules compilation per connector).
  const listed = (await pejabat.get('/api/v1/queries')).json.items.find((x) => x.id === q.json.id);
  assert.equal(listed.x_stream_gaps, undefined);
  assert.equal((await pejabat.request('DELETE', `/api/v1/connectors/${xs.json.id}`)).status, 204);
  assert.equal((await pejabat.request('DELETE', `/api/v1/queries/${q.json.id}`)).status, 204);
  // A YouTube connector shows its daily quota; digits as text are accepted (web forms).
  const yt = await pejabat.post('/api/v1/connectors', {
    ...base, platform: 'youtube', settings: { video_id: 'F1UP7wRCPH8', daily_quota_units: '500' },
    enabled: false,
  });
  assert.equal(yt.status, 201, yt.text);
  assert.equal(yt.json.quota_units_daily, 500);
  assert.equal(yt.json.quota_units_used, 0);
  assert.equal(yt.json.quota_spent, false);
  assert.equal(yt.json.polled, true);
  assert.equal((await pejabat.request('DELETE', `/api/v1/connectors/${yt.json.id}`)).status, 204);
  // A Facebook connector naming a Page is polled; one without page_id only answers (replies).
  const page = await pejabat.post('/api/v1/connectors', {
    ...base, platform: 'facebook', settings: { page_id: '19292868552' }, enabled: false,
  });
  assert.equal(page.status, 201, page.text);
  assert.equal(page.json.polled, true);
  const answerer = await pejabat.post('/api/v1/connectors', {
    ...base, name: 'Balasan Facebook', platform: 'facebook', settings: { api_base: 'https://graph.facebook.com/v21.0' },
    enabled: false,
  });
  assert.equal(answerer.status, 201, answerer.text);
  assert.equal(answerer.json.polled, false);
  const ig = await pejabat.post('/api/v1/connectors', {
    ...base, name: 'Instagram Dinkes', platform: 'instagram', settings: { ig_user_id: '17841406338772941' }, enabled: false,
  });
  assert.equal(ig.status, 201, ig.text);
  assert.equal(ig.json.polled, true);
  for (const c of [page, answerer, ig])
    assert.equal((await pejabat.request('DELETE', `/api/v1/connectors/${c.json.id}`)).status, 204);
});

test('an X connector pulls recent search into mentions and counts reads against its budget', async () => {
  const before = xRequests.length;
  const r = await admin.post('/api/v1/connectors', {
    agency_id: ids.dinkes, platform: 'x', name: 'Pencarian X Dinkes',
    settings: { query: 'dinkes berau', max_results: 10, api_base: xUrl },
    credentials: { bearer_token: SECRET }, read_budget_monthly: 1000,
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.budget_spent, false);
  const c = await waitFor(admin, r.json.id, (x) => x.status === 'ok');
  assert.equal(c.status, 'ok', JSON.stringify(c));
  assert.equal(c.reads_used, 10);  // the 10 posts of the recorded answer
  assert.equal(c.items_total, 10);
  const req = xRequests.slice(before).find((q) => q.url.includes('dinkes'));
  assert.ok(req.url.startsWith('/2/tweets/search/recent?query=dinkes%20berau'), req.url);
  const mentions = await admin.get('/api/v1/mentions?platform=x&agency_id=' + ids.dinkes);
  assert.equal(mentions.json.total, 10, mentions.text);
  assert.ok(mentions.json.items.some((m) => m.shared_from === '1275809336988557314'), mentions.text);
});

test('an X connector with too small a budget reads nothing and shows "budget spent"', async () => {
  const before = xRequests.length;
  const r = await admin.post('/api/v1/connectors', {
    agency_id: ids.dinkes, platform: 'x', name: 'Anggaran kecil',
    settings: { query: 'anggaran kecil', max_results: 10, api_base: xUrl },
    credentials: { bearer_token: SECRET }, read_budget_monthly: 20,
  });
  assert.equal(r.status, 201, r.text);
  const c = await waitFor(admin, r.json.id, (x) => x.status === 'failing');
  assert.equal(c.budget_spent, true, JSON.stringify(c));
  assert.ok(c.last_error.startsWith('budget spent'), c.last_error);
  assert.equal(c.reads_used, 20);
  assert.ok(!xRequests.slice(before).some((q) => q.url.includes('anggaran')));
  const now = new Date();
  assert.equal(Date.parse(c.next_run_at), Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
});
