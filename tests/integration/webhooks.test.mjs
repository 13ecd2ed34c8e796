// Webhook endpoints against the real `humas serve` on loopback: the fixture payloads of
// ../shared/fixtures with correct and forged signatures, handshakes, replays, truncated bodies,
// wrong content types, oversize bodies and floods; stored mentions are read back through the API.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { startServer, addUser, loggedIn, newDataDir } from './lib.mjs';
import { fixture, metaSignature, xSignature, standardHeaders, postRaw, postLines } from './webhook_lib.mjs';

const META_SECRET = 'humas-test-app-secret-0123456789ab';
const VERIFY_TOKEN = 'verify-me-123';
const X_SECRET = 'humas-x-consumer-secret';
const TG_TOKEN = 'humas_Secret-Token_01';
const STD_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

export const webhookEnv = {
  HUMAS_WEBHOOK_META_APP_SECRET: META_SECRET,
  HUMAS_WEBHOOK_META_VERIFY_TOKEN: VERIFY_TOKEN,
  HUMAS_WEBHOOK_WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN,
  HUMAS_WEBHOOK_X_CONSUMER_SECRET: X_SECRET,
  HUMAS_WEBHOOK_TELEGRAM_SECRETS: `kota=${TG_TOKEN}`,
  HUMAS_WEBHOOK_STANDARD_SECRETS: `lapor=${STD_SECRET}`,
};

const metaSig = (body, secret = META_SECRET) => metaSignature(secret, body);
const xSig = (body) => xSignature(X_SECRET, body);
const stdHeaders = (id, body, ts) => standardHeaders(STD_SECRET, id, body, ts);

let server;
let admin;

const post = (path, body, headers, contentType) => postRaw(server.url, path, body, headers, contentType);

async function mentions(query) {
  const r = await admin.get('/api/v1/mentions?' + query);
  assert.equal(r.status, 200, r.text);
  return r.json;
}

/** Waits until the mention search for `query` has `n` results (the intake worker is async). */
async function waitFor(query, n) {
  const deadline = Date.now() + 10000;
  for (;;) {
    const m = await mentions(query);
    if (m.total >= n || Date.now() > deadline) return m;
    await new Promise((r) => setTimeout(r, 50));
  }
}

before(async () => {
  const dataDir = newDataDir();
  addUser(dataDir, 'admin', 'admin');
  server = await startServer({ dataDir, env: webhookEnv });
  admin = await loggedIn(server.url, 'admin');
});

after(async () => {
  await server?.stop();
});

test('Meta subscription handshake', async () => {
  const q = `hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`;
  let r = await fetch(`${server.url}/hooks/meta?${q}`);
  assert.equal(r.status, 200);
  assert.equal(await r.text(), '1158201444');
  r = await fetch(`${server.url}/hooks/whatsapp?${q}`);
  assert.equal(r.status, 200);
  r = await fetch(`${server.url}/hooks/meta?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1`);
  assert.equal(r.status, 403);
  r = await fetch(`${server.url}/hooks/meta?hub.verify_token=${VERIFY_TOKEN}`);
  assert.equal(r.status, 400);
});

test('X CRC check answers the documented response_token', async () => {
  const r = await fetch(`${server.url}/hooks/x?crc_token=9b4507b3-9040-4669-9ca3-6b94edb50553`);
  assert.equal(r.status, 200);
  const body = await r.json();
  const expected = 'sha256=' + createHmac('sha256', X_SECRET)
    .update('9b4507b3-9040-4669-9ca3-6b94edb50553').digest('base64');
  assert.equal(body.response_token, expected);
  assert.equal((await fetch(`${server.url}/hooks/x`)).status, 400);
});

test('Meta Page feed and Instagram comment fixtures are stored once, replays acknowledged', async () => {
  const page = fixture('meta-graph/webhooks/page_feed_status_dashboard_sample.json');
  let r = await post('/hooks/meta', page, { 'x-hub-signature-256': metaSig(page) });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.duplicate, false);
  assert.equal(r.json.mentions, 1);
  const ig = fixture('meta-graph/webhooks/instagram_comments_docs_shape.json');
  r = await post('/hooks/meta', ig, { 'x-hub-signature-256': metaSig(ig) });
  assert.equal(r.status, 200, r.text);
  let fb = await waitFor('platform=facebook', 1);
  assert.equal(fb.total, 1);
  assert.equal(fb.items[0].external_id, '44444444_444444444');
  assert.equal(fb.items[0].text, 'Example post content.');
  const insta = await waitFor('platform=instagram', 1);
  assert.equal(insta.items[0].external_id, '17900000000000000');
  // Replay: acknowledged, not stored twice.
  r = await post('/hooks/meta', page, { 'x-hub-signature-256': metaSig(page) });
  assert.equal(r.status, 200);
  assert.equal(r.json.duplicate, true);
  // The same post in a differently formatted body (a new delivery) is still one mention.
  const compact = JSON.stringify(JSON.parse(page));
  r = await post('/hooks/meta', compact, { 'x-hub-signature-256': metaSig(compact) });
  assert.equal(r.status, 200);
  assert.equal(r.json.duplicate, false);
  await new Promise((res) => setTimeout(res, 300));
  fb = await mentions('platform=facebook');
  assert.equal(fb.total, 1);
  // Non-mention notifications are acknowledged and ignored.
  const mention = fixture('meta-graph/webhooks/page_mention_dashboard_sample.json');
  r = await post('/hooks/meta', mention, { 'x-hub-signature-256': metaSig(mention) });
  assert.equal(r.status, 200);
  assert.equal(r.json.mentions, 0);
});

test('forged, unsigned, truncated, wrong type and oversize deliveries are refused', async () => {
  const body = fixture('whatsapp-cloud/pywa-updates/message__reply.json');
  const before = (await mentions('platform=whatsapp')).total;
  let r = await post('/hooks/whatsapp', body, { 'x-hub-signature-256': metaSig(body, 'wrong-secret') });
  assert.equal(r.status, 403);
  assert.equal(r.json.error.code, 'forbidden');
  r = await post('/hooks/whatsapp', body);
  assert.equal(r.status, 401);
  r = await post('/hooks/whatsapp', body, { 'x-hub-signature': 'sha1=9e47aa825256818ee7973134d45cd6ce24ecc209' });
  assert.equal(r.status, 401);
  // Truncated in transit: the original signature no longer matches.
  const cut = body.slice(0, body.length - 40);
  r = await post('/hooks/whatsapp', cut, { 'x-hub-signature-256': metaSig(body) });
  assert.equal(r.status, 403);
  // Truncated but signed as is (a broken sender): malformed → 400.
  r = await post('/hooks/whatsapp', cut, { 'x-hub-signature-256': metaSig(cut) });
  assert.equal(r.status, 400);
  assert.match(r.json.error.message, /not valid JSON/);
  // Valid JSON, wrong envelope.
  const wrong = '{"object":"page","entry":[]}';
  r = await post('/hooks/whatsapp', wrong, { 'x-hub-signature-256': metaSig(wrong) });
  assert.equal(r.status, 400);
  r = await post('/hooks/whatsapp', body, { 'x-hub-signature-256': metaSig(body) }, 'text/plain');
  assert.equal(r.status, 415);
  const huge = '{"object":"whatsapp_business_account","entry":[],"pad":"' + 'a'.repeat(1100000) + '"}';
  r = await post('/hooks/whatsapp', huge, { 'x-hub-signature-256': metaSig(huge) });
  assert.equal(r.status, 413);
  await new Promise((res) => setTimeout(res, 200));
  assert.equal((await mentions('platform=whatsapp')).total, before);
  const logs = server.logs.join('');
  assert.match(logs, /"webhook.rejected".*"status":403/);
  assert.match(logs, /"webhook.rejected".*"status":415/);
});

test('WhatsApp messages: text and reply fixtures, statuses ignored', async () => {
  for (const name of ['message__text.json', 'message_status__read.json']) {
    const body = fixture(`whatsapp-cloud/pywa-updates/${name}`);
    const r = await post('/hooks/whatsapp', body, { 'x-hub-signature-256': metaSig(body) });
    assert.equal(r.status, 200, `${name}: ${r.text}`);
  }
  const m = await waitFor('platform=whatsapp', 1);
  assert.equal(m.total, 1);
  assert.equal(m.items[0].text, 'Body Text');
  assert.equal(m.items[0].external_id, 'wamid.xyzxyz');
});

test('Telegram updates with the secret token; unknown connector 404', async () => {
  const dir = 'telegram-bot/official-webhook-guide/';
  const msg = fixture(dir + '05_message_with_reply.json');
  let r = await post('/hooks/telegram/kota', msg, { 'x-telegram-bot-api-secret-token': TG_TOKEN });
  assert.equal(r.status, 200, r.text);
  r = await post('/hooks/telegram/kota', msg, { 'x-telegram-bot-api-secret-token': TG_TOKEN });
  assert.equal(r.json.duplicate, true);  // same update_id
  r = await post('/hooks/telegram/kota', msg, { 'x-telegram-bot-api-secret-token': 'humas_secret-token_01' });
  assert.equal(r.status, 403);
  r = await post('/hooks/telegram/kota', msg);
  assert.equal(r.status, 401);
  r = await post('/hooks/telegram/lain', msg, { 'x-telegram-bot-api-secret-token': TG_TOKEN });
  assert.equal(r.status, 404);
  const m = await waitFor('platform=telegram', 1);
  assert.equal(m.total, 1);
  assert.equal(m.items[0].external_id, '1111111:1365');
  assert.equal(m.items[0].in_reply_to, '1111112:1334');
});

test('X Account Activity delivery with x-twitter-webhooks-signature', async () => {
  const body = JSON.stringify({ for_user_id: '2244994945', tweet_create_events: [{
    id_str: '1790000000000000001', text: 'Banjir di Jalan Merdeka, mohon bantuan',
    created_at: 'Wed Oct 10 20:19:24 +0000 2018',
    user: { id_str: '6253282', screen_name: 'wargakota', name: 'Warga Kota' } }] });
  let r = await post('/hooks/x', body, { 'x-twitter-webhooks-signature': xSig(body) });
  assert.equal(r.status, 200, r.text);
  const hex = 'sha256=' + createHmac('sha256', X_SECRET).update(body).digest('hex');
  r = await post('/hooks/x', body, { 'x-twitter-webhooks-signature': hex });
  assert.equal(r.status, 403);
  const m = await waitFor('platform=x', 1);
  assert.equal(m.items[0].author.handle ?? m.items[0].author_handle, 'wargakota');
});

test('Standard Webhooks: mention.created stored, replayed webhook-id kept once, stale refused', async () => {
  const spec = fixture('standard-webhooks/spec_example_payload.json');
  let r = await post('/hooks/standard/lapor', spec, stdHeaders('msg_spec', spec));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.mentions, 0);
  const body = JSON.stringify({ type: 'mention.created', timestamp: new Date().toISOString(), data: {
    platform: 'website', external_id: 'lapor-42', author: { handle: 'warga42' },
    text: 'Sampah menumpuk di pasar', created_at: '2025-03-04T08:15:22+08:00' } });
  r = await post('/hooks/standard/lapor', body, stdHeaders('msg_42', body));
  assert.equal(r.status, 200, r.text);
  r = await post('/hooks/standard/lapor', body, stdHeaders('msg_42', body));
  assert.equal(r.json.duplicate, true);
  r = await post('/hooks/standard/lapor', body, stdHeaders('msg_43', body, Math.floor(Date.now() / 1000) - 3600));
  assert.equal(r.status, 403);
  const invalid = JSON.stringify({ type: 'mention.created', data: { platform: 'website' } });
  r = await post('/hooks/standard/lapor', invalid, stdHeaders('msg_44', invalid));
  assert.equal(r.status, 400);
  const m = await waitFor('platform=website', 1);
  assert.equal(m.total, 1);
});

test('repeated signature headers: ambiguous ones refused, Standard Webhooks signature lines are one list', async () => {
  const body = fixture('whatsapp-cloud/pywa-updates/message__text.json').replace('wamid.xyzxyz', 'wamid.repeated');
  const forged = 'sha256=' + '0'.repeat(64);
  const before = (await mentions('platform=whatsapp')).total;
  // A forged signature beside the genuine one, in either order: which one would a proxy keep?
  for (const lines of [[['X-Hub-Signature-256', forged], ['X-Hub-Signature-256', metaSig(body)]],
    [['X-Hub-Signature-256', metaSig(body)], ['x-hub-signature-256', forged]]]) {
    const r = await postLines(server.url, '/hooks/whatsapp', body, lines);
    assert.equal(r.status, 401, r.text);
    assert.match(r.json.error.message, /more than once/);
  }
  await new Promise((res) => setTimeout(res, 200));
  assert.equal((await mentions('platform=whatsapp')).total, before);
  // The same genuine signature twice is one signature.
  let r = await postLines(server.url, '/hooks/whatsapp', body,
    [['X-Hub-Signature-256', metaSig(body)], ['X-Hub-Signature-256', metaSig(body)]]);
  assert.equal(r.status, 200, r.text);
  assert.equal((await waitFor('platform=whatsapp', before + 1)).total, before + 1);
  // Standard Webhooks: the valid signature on a second webhook-signature line counts; two
  // different webhook-id lines do not.
  const std = JSON.stringify({ type: 'mention.created', data: {
    platform: 'website', external_id: 'lapor-lines', author: { handle: 'warga7' },
    text: 'Lampu jalan mati', created_at: '2025-03-04T08:15:22+07:00' } });
  const h = stdHeaders('msg_lines', std);
  r = await postLines(server.url, '/hooks/standard/lapor', std, [['webhook-id', h['webhook-id']],
    ['webhook-timestamp', h['webhook-timestamp']], ['webhook-signature', 'v1,AAAA'],
    ['webhook-signature', h['webhook-signature']]]);
  assert.equal(r.status, 200, r.text);
  r = await postLines(server.url, '/hooks/standard/lapor', std, [['webhook-id', 'msg_other'],
    ...Object.entries(stdHeaders('msg_lines_2', std))]);
  assert.equal(r.status, 401, r.text);
  // A timestamp from the future is refused like a stale one; a missing id is not a signature.
  r = await post('/hooks/standard/lapor', std, stdHeaders('msg_future', std, Math.floor(Date.now() / 1000) + 3600));
  assert.equal(r.status, 403);
  const { 'webhook-id': _, ...noId } = stdHeaders('msg_noid', std);
  r = await post('/hooks/standard/lapor', std, noId);
  assert.equal(r.status, 401);
  const m = await waitFor('q=' + encodeURIComponent('"Lampu jalan mati"'), 1);
  assert.equal(m.total, 1);
  assert.match(server.logs.join(''), /"webhook.rejected".*more than once/);
});

test('a flood from one address gets 429 with Retry-After after the burst', async () => {
  const dataDir = newDataDir();
  const flood = await startServer({ dataDir, env: { ...webhookEnv, HUMAS_WEBHOOK_RATE_PER_MINUTE: '60' } });
  try {
    const body = fixture('telegram-bot/official-webhook-guide/02_message_text.json');
    const statuses = [];
    let retryAfter = null;
    for (let i = 0; i < 30; i++) {
      const res = await fetch(flood.url + '/hooks/telegram/kota', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': TG_TOKEN },
        body,
      });
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get('retry-after');
      await res.text();
    }
    assert.equal(statuses.filter((s) => s === 200).length, 10);  // the burst: ten seconds' worth
    assert.equal(statuses.filter((s) => s === 429).length, 20);
    assert.equal(retryAfter, '1');
    assert.match(flood.logs.join(''), /"webhook.rejected".*"status":429/);
  } finally {
    await flood.stop();
  }
});
