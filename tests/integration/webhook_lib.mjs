// Helpers for webhook tests: the shared fixtures, the platforms' signatures (as the platforms
// compute them), and a raw POST as a platform sends it (no session, no CSRF).
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ROOT } from './lib.mjs';

export const SHARED = process.env.HUMAS_SHARED || resolve(ROOT, '..', 'shared');
export const fixture = (rel) => readFileSync(join(SHARED, 'fixtures', rel), 'utf8');

/** Meta and WhatsApp: X-Hub-Signature-256. */
export const metaSignature = (secret, body) => 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');
/** X: x-twitter-webhooks-signature. */
export const xSignature = (secret, body) => 'sha256=' + createHmac('sha256', secret).update(body).digest('base64');
/** Standard Webhooks headers for a `whsec_` secret. */
export function standardHeaders(secret, id, body, ts = Math.floor(Date.now() / 1000)) {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const sig = createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': `v1,${sig}` };
}

/** POSTs a raw body to `base + path`; returns { status, json, text, headers }. */
export async function postRaw(base, path, body, headers = {}, contentType = 'application/json') {
  const res = await fetch(base + path, { method: 'POST', headers: { 'content-type': contentType, ...headers }, body });
  const text = await res.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: res.status, json, text, headers: res.headers };
}

/**
 * POSTs with header lines exactly as given, repeats included (fetch would fold a repeated header
 * into one "a, b" value): raw HTTP/1.1 over a socket. `headers` is a list of [name, value].
 * Returns { status, json, text }.
 */
export async function postLines(base, path, body, headers) {
  const { connect } = await import('node:net');
  const url = new URL(base);
  const payload = Buffer.from(body);
  const head = [`POST ${path} HTTP/1.1`, `Host: ${url.host}`, 'Connection: close',
    'Content-Type: application/json', `Content-Length: ${payload.length}`,
    ...headers.map(([n, v]) => `${n}: ${v}`)].join('\r\n') + '\r\n\r\n';
  const raw = await new Promise((resolveRaw, reject) => {
    const chunks = [];
    const socket = connect(Number(url.port), url.hostname, () => socket.end(Buffer.concat([Buffer.from(head), payload])));
    socket.on('data', (c) => chunks.push(c));
    socket.on('end', () => resolveRaw(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
  });
  const status = Number(raw.slice(9, 12));
  const text = raw.slice(raw.indexOf('\r\n\r\n') + 4);
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status, json, text };
}
