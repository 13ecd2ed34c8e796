// Integration: health, login, logout, rate limiting, CSRF, malformed and oversized bodies,
// graceful shutdown — against the real server on loopback.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, newDataDir, addUser, Client, loggedIn, PASSWORD } from './lib.mjs';

let server;

before(async () => {
  const dataDir = newDataDir();
  addUser(dataDir, 'admin', 'admin');
  addUser(dataDir, 'budi', 'admin');
  server = await startServer({ dataDir });
});

after(async () => {
  await server?.stop();
});

test('health answers 200 with JSON without a session', async () => {
  const r = await new Client(server.url).get('/api/v1/health');
  assert.equal(r.status, 200);
  assert.equal(r.json.status, 'ok');
  assert.equal(r.json.database, 'ok');
  assert.match(r.json.time, /^\d{4}-\d\d-\d\dT/);
});

test('login sets an HttpOnly SameSite session cookie and me returns the user', async () => {
  const c = new Client(server.url);
  const r = await c.login('admin');
  assert.equal(r.status, 200);
  const cookie = r.headers.get('set-cookie');
  assert.match(cookie, /humas_session=/);
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  assert.equal(r.json.user.username, 'admin');
  assert.equal(r.json.user.password_hash, undefined);
  assert.ok(r.json.csrf_token.length > 20);
  const me = await c.get('/api/v1/auth/me');
  assert.equal(me.status, 200);
  assert.equal(me.json.user.roles[0].role, 'admin');
});

test('wrong password and unknown user both get invalid_credentials', async () => {
  const a = await new Client(server.url).login('admin', 'salah-kata-sandi');
  assert.equal(a.status, 401);
  assert.equal(a.json.error.code, 'invalid_credentials');
  const b = await new Client(server.url).login('nobody', 'salah-kata-sandi');
  assert.equal(b.status, 401);
  assert.equal(b.json.error.code, 'invalid_credentials');
});

test('requests without a session get 401 unauthenticated', async () => {
  const r = await new Client(server.url).get('/api/v1/agencies');
  assert.equal(r.status, 401);
  assert.equal(r.json.error.code, 'unauthenticated');
  const forged = new Client(server.url);
  forged.cookie = 'humas_session=forged-token-value';
  assert.equal((await forged.get('/api/v1/agencies')).status, 401);
});

test('logout revokes the session', async () => {
  const c = await loggedIn(server.url, 'admin');
  const cookie = c.cookie;
  const r = await c.post('/api/v1/auth/logout');
  assert.equal(r.status, 204);
  const again = new Client(server.url);
  again.cookie = cookie;
  assert.equal((await again.get('/api/v1/auth/me')).status, 401);
});

test('state-changing requests need the CSRF token and change nothing without it', async () => {
  const c = await loggedIn(server.url, 'admin');
  const body = { kind: 'agency', parent_id: 1, name: 'Dinas Tanpa Token', code: 'tanpa-token' };
  const missing = await c.post('/api/v1/agencies', body, { csrf: false });
  assert.equal(missing.status, 403);
  assert.equal(missing.json.error.code, 'csrf_failed');
  const forged = await c.post('/api/v1/agencies', body, { headers: { 'x-csrf-token': 'forged' }, csrf: false });
  assert.equal(forged.status, 403);
  const list = await c.get('/api/v1/agencies?q=tanpa-token&active=all');
  assert.equal(list.json.total, 0);
});

test('malformed JSON, wrong types, unknown fields and non-JSON bodies are rejected', async () => {
  const c = await loggedIn(server.url, 'admin');
  const bad = await c.request('POST', '/api/v1/agencies', {
    body: '{"kind": "agency", "name": ',
    raw: true,
    headers: { 'content-type': 'application/json' },
  });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.code, 'invalid_argument');
  const wrongType = await c.post('/api/v1/agencies', { kind: 'agency', parent_id: 1, name: 42, code: 'tipe-salah' });
  assert.equal(wrongType.status, 400);
  assert.equal(wrongType.json.error.field, 'name');
  const unknown = await c.post('/api/v1/agencies', {
    kind: 'agency', parent_id: 1, name: 'Dinas X', code: 'dinas-x', is_admin: true,
  });
  assert.equal(unknown.status, 400);
  assert.equal(unknown.json.error.field, 'is_admin');
  const notJson = await c.request('POST', '/api/v1/agencies', {
    body: 'kind=agency', raw: true, headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(notJson.status, 400);
  const list = await c.get('/api/v1/agencies?active=all&q=dinas-x');
  assert.equal(list.json.total, 0);
});

test('an oversized JSON body gets 413 payload_too_large', async () => {
  const c = await loggedIn(server.url, 'admin');
  const big = JSON.stringify({ kind: 'agency', parent_id: 1, name: 'x'.repeat(2 * 1024 * 1024), code: 'besar' });
  const r = await c.request('POST', '/api/v1/agencies', {
    body: big, raw: true, headers: { 'content-type': 'application/json' },
  });
  assert.equal(r.status, 413);
  assert.equal(r.json.error.code, 'payload_too_large');
});

test('unknown API paths get a JSON 404', async () => {
  const c = await loggedIn(server.url, 'admin');
  const r = await c.get('/api/v1/nothing-here');
  assert.equal(r.status, 404);
  assert.equal(r.json.error.code, 'not_found');
});

test('login is rate limited after repeated failures, with Retry-After', async () => {
  const c = new Client(server.url);
  for (let i = 0; i < 5; i++) {
    const r = await c.login('budi', 'bukan-sandinya-' + i);
    assert.equal(r.status, 401);
  }
  const blocked = await c.login('budi', PASSWORD);  // even the right password waits
  assert.equal(blocked.status, 429);
  assert.equal(blocked.json.error.code, 'rate_limited');
  assert.ok(Number(blocked.headers.get('retry-after')) > 0);
  const other = await new Client(server.url).login('admin');
  assert.equal(other.status, 200);  // other users are not locked out
});

test('every write lands in the audit log and the chain verifies', async () => {
  const c = await loggedIn(server.url, 'admin');
  const r = await c.get('/api/v1/audit?limit=200');
  assert.equal(r.status, 200);
  const actions = r.json.items.map((e) => e.action);
  assert.ok(actions.includes('auth.login'));
  assert.ok(actions.includes('auth.logout'));
  assert.ok(actions.includes('user.create'));
  const v = await c.get('/api/v1/audit/verify');
  assert.equal(v.status, 200);
  assert.equal(v.json.ok, true);
  assert.ok(v.json.entries >= actions.length);
});

test('SIGTERM stops the server gracefully with exit status 0', async () => {
  const dataDir = newDataDir();
  const s = await startServer({ dataDir });
  const result = await s.stop();
  assert.equal(result.code, 0);
});

test('behind a trusted proxy, login limits apply per forwarded client address', async () => {
  const dataDir = newDataDir();
  addUser(dataDir, 'admin', 'admin');
  const s = await startServer({ dataDir, env: { HUMAS_TRUSTED_PROXIES: '127.0.0.1' } });
  try {
    const attacker = { 'x-forwarded-for': '198.51.100.7' };
    for (let i = 0; i < 20; i++) {
      const r = await new Client(s.url).request('POST', '/api/v1/auth/login', {
        body: { username: 'tebakan' + i, password: 'salah-kata-sandi' }, headers: attacker,
      });
      assert.equal(r.status, 401);
    }
    const blocked = await new Client(s.url).request('POST', '/api/v1/auth/login', {
      body: { username: 'admin', password: PASSWORD }, headers: attacker,
    });
    assert.equal(blocked.status, 429);
    const officer = await new Client(s.url).request('POST', '/api/v1/auth/login', {
      body: { username: 'admin', password: PASSWORD }, headers: { 'x-forwarded-for': '203.0.113.20' },
    });
    assert.equal(officer.status, 200);  // another office behind the same proxy is not locked out
  } finally {
    await s.stop();
  }
});
