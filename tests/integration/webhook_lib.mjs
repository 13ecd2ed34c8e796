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
