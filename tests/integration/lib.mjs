// Helpers for API integration tests: start the real `humas serve` on loopback with a fresh data
// directory, create users through the CLI, and talk to it with a cookie- and CSRF-aware client.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(here, '..', '..');
export const BIN = process.env.HUMAS_BIN || join(ROOT, 'build', 'src', 'app', 'humas');
export const PASSWORD = 'kata-sandi-uji-123';

/** Runs the humas CLI synchronously; returns { status, stdout, stderr }. */
export function cli(args, input = '') {
  const r = spawnSync(BIN, args, { input, encoding: 'utf8', timeout: 120000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function newDataDir() {
  return mkdtempSync(join(tmpdir(), 'humas-it-'));
}

/** Creates a user through `humas user add`; throws with the CLI's message on failure. */
export function addUser(dataDir, username, role, agency) {
  const args = ['user', 'add', '--data-dir', dataDir, '--username', username, '--role', role];
  if (agency) args.push('--agency', agency);
  const r = cli(args, PASSWORD + '\n');
  if (r.status !== 0) throw new Error(`user add ${username} failed: ${r.stderr}`);
}

/**
 * Starts `humas serve` on 127.0.0.1 with a free port and resolves when its ready log line (which
 * carries the URL) appears. Returns { url, proc, dataDir, logs, stop() }.
 */
export async function startServer({ dataDir = newDataDir(), args = [], env = {} } = {}) {
  const proc = spawn(BIN, ['serve', '--data-dir', dataDir, '--listen', '127.0.0.1:0', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs = [];
  const url = await new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start:\n' + logs.join(''))), 30000);
    let buffer = '';
    proc.stderr.on('data', (chunk) => {
      const text = chunk.toString();
      logs.push(text);
      buffer += text;
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line.includes('"server.ready"')) {
          clearTimeout(timer);
          resolveUrl(JSON.parse(line).url.replace(/\/$/, ''));
        }
      }
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${logs.join('')}`));
    });
  });
  proc.removeAllListeners('exit');
  const exited = new Promise((r) => proc.on('exit', (code, signal) => r({ code, signal })));
  return {
    url,
    proc,
    dataDir,
    logs,
    exited,
    async stop({ keepData = false } = {}) {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      const result = await exited;
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
      return result;
    },
  };
}

/** A browser-like API client: keeps the session cookie and sends the CSRF token. */
export class Client {
  constructor(base) {
    this.base = base;
    this.cookie = '';
    this.csrf = '';
  }

  async request(method, path, { body, headers = {}, raw = false, csrf = true } = {}) {
    const h = { ...headers };
    if (this.cookie) h.cookie = this.cookie;
    if (csrf && this.csrf && method !== 'GET') h['x-csrf-token'] = this.csrf;
    let payload = body;
    if (body !== undefined && !raw) {
      payload = JSON.stringify(body);
      h['content-type'] = h['content-type'] || 'application/json';
    }
    const res = await fetch(this.base + path, { method, headers: h, body: payload, redirect: 'manual' });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) {
      const m = /humas_session=([^;]*)/.exec(setCookie);
      if (m) this.cookie = m[1] ? `humas_session=${m[1]}` : '';
    }
    const text = await res.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    return { status: res.status, json, text, headers: res.headers };
  }

  get(path) {
    return this.request('GET', path);
  }
  post(path, body, opts = {}) {
    return this.request('POST', path, { body, ...opts });
  }
  patch(path, body, opts = {}) {
    return this.request('PATCH', path, { body, ...opts });
  }

  async login(username, password = PASSWORD) {
    const r = await this.post('/api/v1/auth/login', { username, password });
    if (r.status === 200) this.csrf = r.json.csrf_token;
    return r;
  }
}

/** Logs in and throws when it fails. */
export async function loggedIn(base, username) {
  const c = new Client(base);
  const r = await c.login(username);
  if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${r.text}`);
  return c;
}

/**
 * A fake Telegram Bot API on loopback for bot `token`: sendMessage answers with the official
 * example message of ../shared/fixtures/telegram-bot (this chat, this text, a fresh message_id
 * from `firstId`, a public chat named `username`), getUpdates with an empty batch, anything else
 * (or another token) 401 in Telegram's error format. `failNext` (settable) answers that many
 * sends with 502; `delayMs` holds each answer so racing requests really overlap.
 * Returns { url, sends, close(), failNext }.
 */
export async function startFakeTelegram({ token, username, firstId = 9000, delayMs = 0 }) {
  const { readFileSync } = await import('node:fs');
  const http = await import('node:http');
  const shared = process.env.HUMAS_SHARED || join(ROOT, '..', 'shared');
  const example = JSON.parse(readFileSync(join(shared, 'fixtures/telegram-bot/official-webhook-guide/05_message_with_reply.json'), 'utf8')).message;
  // sends: every sendMessage body; failNext: answer the next n with 502; hang: answer nothing
  // (the responses wait in `held` until the test ends them).
  const fake = { sends: [], failNext: 0, hang: false, held: [], url: '', close: () => {} };
  let nextId = firstId;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (req.url === `/bot${token}/getUpdates`) return res.end(JSON.stringify({ ok: true, result: [] }));
      if (req.url !== `/bot${token}/sendMessage`) {
        res.statusCode = 401;
        return res.end(JSON.stringify({ ok: false, error_code: 401, description: 'Unauthorized' }));
      }
      const p = JSON.parse(body);
      setTimeout(() => {
        fake.sends.push(p);
        if (fake.hang) return fake.held.push(res);
        if (fake.failNext > 0) {
          fake.failNext -= 1;
          res.statusCode = 502;
          return res.end(JSON.stringify({ ok: false, error_code: 502, description: 'Bad Gateway' }));
        }
        const msg = { ...example, message_id: nextId++, text: p.text, chat: { ...example.chat, id: p.chat_id, type: 'supergroup', username } };
        res.end(JSON.stringify({ ok: true, result: msg }));
      }, delayMs);
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  fake.url = `http://127.0.0.1:${server.address().port}`;
  fake.close = () => {
    for (const res of fake.held) res.destroy();
    server.close();
  };
  return fake;
}

/**
 * A plain SMTP relay on loopback that accepts everything and records each message's recipients
 * (the RCPT lines) and data in `mails`. `port` 0 = any free port; pass a port to bring a relay up
 * where the server was told one is (a relay that was down comes back).
 * Returns { port, mails, close() }.
 */
export async function startFakeSmtp({ port = 0 } = {}) {
  const net = await import('node:net');
  const mails = [];
  const server = net.createServer((sock) => {
    let buf = '';
    let inData = false;
    let mail = { rcpt: [], data: '' };
    sock.write('220 fake ESMTP\r\n');
    sock.on('data', (chunk) => {
      buf += chunk.toString('utf8');
      let eol;
      while ((eol = buf.indexOf('\r\n')) >= 0) {
        const line = buf.slice(0, eol);
        buf = buf.slice(eol + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            mails.push(mail);
            mail = { rcpt: [], data: '' };
            sock.write('250 queued\r\n');
          } else mail.data += line + '\n';
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'RCPT') mail.rcpt.push(line);
        if (verb === 'DATA') {
          inData = true;
          sock.write('354 go ahead\r\n');
        } else if (verb === 'QUIT') {
          sock.end('221 bye\r\n');
        } else sock.write('250 ok\r\n');
      }
    });
    sock.on('error', () => {});
  });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  return { port: server.address().port, mails, close: () => server.close() };
}

/** A loopback port nothing listens on (a dead server), free at the time of asking. */
export async function deadPort() {
  const net = await import('node:net');
  const s = net.createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

/**
 * Opens the live stream (`GET /api/v1/events`, SSE) as `client` and collects the parsed data of
 * its `event` events. Returns { events, close() }.
 */
export async function listenEvents(base, client, event) {
  const events = [];
  const ctrl = new AbortController();
  const res = await fetch(base + '/api/v1/events', { headers: { cookie: client.cookie }, signal: ctrl.signal });
  if (res.status !== 200) throw new Error(`events: ${res.status}`);
  const reader = res.body.getReader();
  const wanted = new RegExp(`^event: ${event}$`, 'm');
  (async () => {
    let text = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
        let sep;
        while ((sep = text.indexOf('\n\n')) >= 0) {
          const block = text.slice(0, sep);
          text = text.slice(sep + 2);
          if (wanted.test(block)) {
            const data = block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('\n');
            events.push(JSON.parse(data));
          }
        }
      }
    } catch {
      /* aborted */
    }
  })();
  return { events, close: () => ctrl.abort() };
}

/**
 * The alert tests' set-up, as `admin`: an agency under the region (`code`, `name`) with a pejabat
 * and a petugas (`pejabat_<code>`, `petugas_<code>`, e-mail `<username>@berau.go.id`, own Telegram
 * chat from `chats[username]`), the agency group's chat for alert messages (`group`, optional),
 * a query "Banjir" with a mention five weeks old (history) and a burst of 30 matching mentions a
 * minute ago, plus `rows` (more mentions to import with them). Returns { agency, query }.
 */
export async function alertingAgency(admin, { code = 'dinkes', name = 'Dinas Kesehatan', group, chats = {}, rows = [] } = {}) {
  const assert = (await import('node:assert/strict')).default;
  const region = (await admin.get('/api/v1/agencies?kind=region')).json.items[0];
  const agency = (await admin.post('/api/v1/agencies', { kind: 'agency', parent_id: region.id, name, code })).json;
  for (const [username, role] of [[`pejabat_${code}`, 'pejabat'], [`petugas_${code}`, 'petugas']]) {
    const u = await admin.post('/api/v1/users', { username, display_name: username, email: `${username}@berau.go.id`, telegram_chat_id: chats[username] ? String(chats[username]) : '', password: PASSWORD, roles: [{ role, agency_id: agency.id }] });
    assert.equal(u.status, 201, u.text);
  }
  if (group !== undefined) {
    const put = await admin.request('PUT', `/api/v1/alert-settings/${agency.id}`, { body: { version: 0, telegram_chat_id: String(group) } });
    assert.equal(put.status, 200, put.text);
  }
  const q = await admin.post('/api/v1/queries', { agency_id: agency.id, name: 'Banjir', expression: 'banjir' });
  assert.equal(q.status, 201, q.text);
  const now = Date.now();
  const all = [{ platform: 'x', external_id: 'old-1', author: { handle: 'warga' }, text: 'banjir kecil di gang', created_at: new Date(now - 5 * 7 * 24 * 3600e3).toISOString(), agency: code }];
  for (let i = 0; i < 30; i++) all.push({ platform: 'x', external_id: `burst-${i}`, author: { handle: `warga${i}` }, text: `banjir lagi di jalan ${i}`, created_at: new Date(now - 60e3).toISOString(), agency: code });
  all.push(...rows);
  const imp = await admin.request('POST', '/api/v1/mentions/import', { body: all.map((r) => JSON.stringify(r)).join('\n'), raw: true, headers: { 'content-type': 'application/x-ndjson' } });
  assert.equal(imp.json.imported, all.length, imp.text);
  return { agency, query: q.json };
}
