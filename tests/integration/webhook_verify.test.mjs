// `humas webhook-verify` over the peer suites in ../shared/fixtures/peer-suites: every case with a
// defined expectation must give exit 0 (authentic) or 1 (not, with a one-line reason). Headers go
// in both accepted formats (JSON object and raw "Name: value" lines).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cli, ROOT } from './lib.mjs';

const SHARED = process.env.HUMAS_SHARED || resolve(ROOT, '..', 'shared');
const suite = (name) =>
  JSON.parse(readFileSync(join(SHARED, 'fixtures', 'peer-suites', name, 'vectors.json'), 'utf8'));

function run(dir, { platform, secret, headers, body, now, raw }) {
  const hf = join(dir, 'headers');
  const bf = join(dir, 'body');
  if (raw) {
    writeFileSync(hf, 'POST /hooks HTTP/1.1\r\n' +
      Object.entries(headers).filter(([, v]) => v !== null).map(([k, v]) => `${k}: ${v}\r\n`).join(''));
  } else {
    writeFileSync(hf, JSON.stringify(headers));
  }
  writeFileSync(bf, body ?? '');
  const args = ['webhook-verify', '--platform', platform, '--secret', secret, '--headers', hf, '--body', bf];
  if (now !== undefined) args.push('--now', String(now));
  return cli(args);
}

function check(r, expected, id) {
  assert.equal(r.status, expected ? 0 : 1, `${id}: exit ${r.status} ${r.stdout} ${r.stderr}`);
  if (!expected) assert.match(r.stdout, /^not authentic: [^\n]+\n$/, id);
}

test('standard-webhooks peer suite through the CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'humas-wv-'));
  try {
    for (const c of suite('standard-webhooks').cases) {
      for (const raw of [false, true]) {
        const r = run(dir, { platform: 'standard', secret: c.secret, headers: c.headers,
          body: c.payload, now: c.now, raw });
        check(r, c.expected_valid, c.id);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('webhook-signatures peer suite through the CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'humas-wv-'));
  const platforms = { 'meta-x-hub-signature-256': 'meta', 'x-twitter-webhooks-signature': 'x',
    'telegram-secret-token': 'telegram' };
  let checked = 0;
  try {
    for (const c of suite('webhook-signatures').cases) {
      const platform = platforms[c.scheme];
      if (!platform || c.expected_valid === null) continue;
      const secret = c.secret ?? c.consumer_secret ?? c.configured_secret_token;
      for (const raw of [false, true]) {
        const r = run(dir, { platform, secret, headers: { [c.header_name]: c.header_value }, body: c.body, raw });
        check(r, c.expected_valid, c.id);
      }
      checked++;
    }
    assert.ok(checked >= 10);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('usage errors exit 2', () => {
  assert.equal(cli(['webhook-verify', '--platform', 'myspace', '--secret', 's']).status, 2);
  assert.equal(cli(['webhook-verify', '--platform', 'meta', '--secret', 's', '--headers', '/nonexistent', '--body', '/nonexistent']).status, 2);
});
