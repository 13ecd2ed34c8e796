// Webhook connectors from the registry against the real `humas serve`: each agency's webhook
// connector (meta, whatsapp, x, telegram, standard) holds its secrets sealed in the registry and
// receives at /hooks/<kind>/<connector id>; deliveries are verified with that connector's secret
// (forged → 403, missing → 401), a connector of another kind or an unknown id is 404, paused or
// without credentials 404; the connector's health records the last delivery and the last refused
// one; its mentions belong to its agency. The global webhook_* settings stay a fallback.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { startServer, addUser, loggedIn, newDataDir, PASSWORD } from './lib.mjs';
import { fixture, metaSignature, xSignature, standardHeaders, postRaw } from './webhook_lib.mjs';

const META_SECRET = 'dinkes-meta-app-secret-0123456789';
const VERIFY_TOKEN = 'dinkes-verify-7';
const X_SECRET = 'bpbd-x-consumer-secret';
const TG_TOKEN = 'Dinkes_Bot-Token_42';
const STD_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const GLOBAL_TG = 'global_Token_1';

const metaSig = (body, secret = META_SECRET) => metaSignature(secret, body);
const xSig = (body, secret = X_SECRET) => xSignature(secret, body);
const stdHeaders = (id, body, secret = STD_SECRET) => standardHeaders(secret, id, body);

let server, admin, pejabat;
const ids = {};

const post = (path, body, headers) => postRaw(server.url, path, body, headers);

async function waitFor(query, n) {
  const deadline = Date.now() + 10000;
  for (;;) {
    const r = await admin.get('/api/v1/mentions?' + query);
    assert.equal(r.status, 200, r.text);
    if (r.json.total >= n || Date.now() > deadline) return r.json;
    await new Promise((res) => setTimeout(res, 50));
  }
}

const connector = async (id) => (await admin.get(`/api/v1/connectors/${id}`)).json;

before(async () => {
  const dataDir = newDataDir();
  addUser(dataDir, 'admin', 'admin');
  server = await startServer({ dataDir, env: { HUMAS_WEBHOOK_TELEGRAM_SECRETS: `kota=${GLOBAL_TG}` } });
  admin = await loggedIn(server.url, 'admin');
  const region = (await admin.get('/api/v1/agencies?kind=region')).json.items[0];
  for (const [code, name] of [['dinkes', 'Dinas Kesehatan'], ['bpbd', 'BPBD']]) {
    const r = await admin.post('/api/v1/agencies', { kind: 'agency', parent_id: region.id, name, code });
    assert.equal(r.status, 201, r.text);
    ids[code] = r.json.id;
  }
  const u = await admin.post('/api/v1/users', { username: 'pejabat1', display_name: 'Pejabat', password: PASSWORD, roles: [{ role: 'pejabat', agency_id: ids.dinkes }] });
  assert.equal(u.status, 201, u.text);
  pejabat = await loggedIn(server.url, 'pejabat1');
});

after(async () => {
  await server?.stop();
});

test('webhook connectors are validated: kind, platform and the kind’s credentials', async () => {
  const base = { agency_id: ids.dinkes, name: 'FB Dinkes' };
  let r = await pejabat.post('/api/v1/connectors', { ...base, platform: 'facebook', settings: { webhook: 'pager' } });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'settings');
  r = await pejabat.post('/api/v1/connectors', { ...base, platform: 'x', settings: { webhook: 'meta' } });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'platform');
  r = await pejabat.post('/api/v1/connectors', { ...base, platform: 'facebook', settings: { webhook: 'meta' }, credentials: { token: 'x' } });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'credentials');
  r = await pejabat.post('/api/v1/connectors', { ...base, platform: 'facebook', settings: { webhook: 'meta' }, credentials: { verify_token: 'v' } });
  assert.equal(r.status, 400);  // the app secret is required
  r = await pejabat.post('/api/v1/connectors', { ...base, platform: 'telegram', settings: { webhook: 'telegram' }, credentials: { secret_token: 'spasi tidak boleh' } });
  assert.equal(r.status, 400);
  r = await pejabat.post('/api/v1/connectors', { ...base, platform: 'other', settings: { webhook: 'standard' }, credentials: { secret: 'not-whsec' } });
  assert.equal(r.status, 400);
  assert.equal((await admin.get('/api/v1/connectors')).json.total, 0);  // nothing stored

  r = await pejabat.post('/api/v1/connectors', {
    ...base, platform: 'facebook', settings: { webhook: 'meta' }, credentials: { app_secret: META_SECRET, verify_token: VERIFY_TOKEN },
  });
  assert.equal(r.status, 201, r.text);
  ids.meta = r.json.id;
  assert.equal(r.json.webhook_path, `/hooks/meta/${ids.meta}`);
  assert.equal(r.json.next_run_at, null);  // never polled
  assert.equal(r.json.credentials, 'set');
  assert.ok(!r.text.includes(META_SECRET));
  r = await pejabat.post(`/api/v1/connectors/${ids.meta}/run`, {});
  assert.equal(r.status, 409);
  r = await pejabat.patch(`/api/v1/connectors/${ids.meta}`, { settings: {} });
  assert.equal(r.status, 400);  // the kind cannot change

  for (const [key, body] of [
    ['tg', { agency_id: ids.dinkes, name: 'Bot Dinkes', platform: 'telegram', settings: { webhook: 'telegram' }, credentials: { secret_token: TG_TOKEN } }],
    ['std', { agency_id: ids.dinkes, name: 'Lapor', platform: 'other', settings: { webhook: 'standard' }, credentials: { secret: STD_SECRET } }],
    ['x', { agency_id: ids.bpbd, name: 'X BPBD', platform: 'x', settings: { webhook: 'x' }, credentials: { consumer_secret: X_SECRET } }],
    ['wa', { agency_id: ids.bpbd, name: 'WA BPBD', platform: 'whatsapp', settings: { webhook: 'whatsapp' }, credentials: { app_secret: 'wa-secret-bpbd', verify_token: 'wa-verify' } }],
  ]) {
    r = await admin.post('/api/v1/connectors', body);
    assert.equal(r.status, 201, r.text);
    ids[key] = r.json.id;
  }
});

test('Meta: handshake and deliveries verified with the connector’s own secret', async () => {
  const q = (token) => `hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=4242`;
  let r = await fetch(`${server.url}/hooks/meta/${ids.meta}?${q(VERIFY_TOKEN)}`);
  assert.equal(r.status, 200);
  assert.equal(await r.text(), '4242');
  r = await fetch(`${server.url}/hooks/meta/${ids.meta}?${q('wa-verify')}`);
  assert.equal(r.status, 403);  // another connector's token

  const page = fixture('meta-graph/webhooks/page_feed_status_dashboard_sample.json');
  // Forged with the right connector: signed with another secret → 403, nothing stored, health
  // shows the refusal.
  r = await post(`/hooks/meta/${ids.meta}`, page, { 'x-hub-signature-256': metaSig(page, 'wa-secret-bpbd') });
  assert.equal(r.status, 403);
  r = await post(`/hooks/meta/${ids.meta}`, page);
  assert.equal(r.status, 401);
  let c = await connector(ids.meta);
  assert.equal(c.status, 'failing');
  assert.match(c.last_error, /signature/i);
  assert.ok(c.last_error_at);
  assert.equal((await admin.get('/api/v1/mentions?platform=facebook')).json.total, 0);

  // The right connector id with the right signature.
  r = await post(`/hooks/meta/${ids.meta}`, page, { 'x-hub-signature-256': metaSig(page) });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.mentions, 1);
  const m = await waitFor('platform=facebook', 1);
  assert.equal(m.items[0].external_id, '44444444_444444444');
  assert.equal(m.items[0].agency_id, ids.dinkes);  // the connector's agency
  c = await connector(ids.meta);
  assert.equal(c.status, 'ok');
  assert.ok(c.last_success_at);
  assert.equal(c.items_total, 1);

  // Wrong connector ids: another kind's connector, an unknown id, the global path unset.
  r = await post(`/hooks/meta/${ids.tg}`, page, { 'x-hub-signature-256': metaSig(page) });
  assert.equal(r.status, 404);
  r = await post(`/hooks/meta/99999`, page, { 'x-hub-signature-256': metaSig(page) });
  assert.equal(r.status, 404);
  r = await post(`/hooks/whatsapp/${ids.meta}`, page, { 'x-hub-signature-256': metaSig(page) });
  assert.equal(r.status, 404);
  r = await post('/hooks/meta', page, { 'x-hub-signature-256': metaSig(page) });
  assert.equal(r.status, 404);  // no global Meta secret configured in this run
});

test('Telegram by connector id; a configured name still works as a fallback', async () => {
  const body = fixture('telegram-bot/official-webhook-guide/02_message_text.json');
  let r = await post(`/hooks/telegram/${ids.tg}`, body, { 'x-telegram-bot-api-secret-token': 'Dinkes_Bot-Token_43' });
  assert.equal(r.status, 403);
  r = await post(`/hooks/telegram/${ids.tg}`, body);
  assert.equal(r.status, 401);
  r = await post(`/hooks/telegram/${ids.std}`, body, { 'x-telegram-bot-api-secret-token': TG_TOKEN });
  assert.equal(r.status, 404);  // a Standard Webhooks connector's id
  r = await post(`/hooks/telegram/${ids.tg}`, body, { 'x-telegram-bot-api-secret-token': TG_TOKEN });
  assert.equal(r.status, 200, r.text);
  const m = await waitFor('platform=telegram', 1);
  assert.equal(m.items[0].agency_id, ids.dinkes);
  // The global setting's name keeps working (its mentions have no agency).
  r = await post('/hooks/telegram/kota', body, { 'x-telegram-bot-api-secret-token': GLOBAL_TG });
  assert.equal(r.status, 200, r.text);
  r = await post('/hooks/telegram/kota', body, { 'x-telegram-bot-api-secret-token': TG_TOKEN });
  assert.equal(r.status, 403);
});

test('X CRC and deliveries, Standard Webhooks, WhatsApp by connector', async () => {
  let r = await fetch(`${server.url}/hooks/x/${ids.x}?crc_token=abc`);
  assert.equal(r.status, 200);
  assert.equal((await r.json()).response_token, 'sha256=' + createHmac('sha256', X_SECRET).update('abc').digest('base64'));
  assert.equal((await fetch(`${server.url}/hooks/x/${ids.meta}?crc_token=abc`)).status, 404);

  // X ships no Account Activity sample in the fixtures; the documented envelope, as webhooks.test.mjs.
  const tweet = JSON.stringify({ for_user_id: '2244994945', tweet_create_events: [{
    id_str: '1790000000000000002', text: 'Banjir di Jalan Merdeka, mohon bantuan BPBD',
    created_at: 'Wed Oct 10 20:19:24 +0000 2018',
    user: { id_str: '6253282', screen_name: 'wargakota', name: 'Warga Kota' } }] });
  r = await post(`/hooks/x/${ids.x}`, tweet, { 'x-twitter-webhooks-signature': xSig(tweet, 'another') });
  assert.equal(r.status, 403);
  r = await post(`/hooks/x/${ids.x}`, tweet, { 'x-twitter-webhooks-signature': xSig(tweet) });
  assert.equal(r.status, 200, r.text);
  const xs = await waitFor('platform=x', 1);
  assert.ok(xs.items.every((m) => m.agency_id === ids.bpbd));

  const spec = fixture('standard-webhooks/spec_example_payload.json');
  r = await post(`/hooks/standard/${ids.std}`, spec, stdHeaders('msg_forged', spec, 'whsec_' + Buffer.from('another-key-0123456789').toString('base64')));
  assert.equal(r.status, 403);
  r = await post(`/hooks/standard/${ids.std}`, spec, stdHeaders('msg_1', spec));
  assert.equal(r.status, 200, r.text);
  // Dinkes's connector cannot file a mention under BPBD by naming it in the payload: the mention
  // stays with the connector's agency.
  const named = JSON.stringify({ type: 'mention.created', timestamp: new Date().toISOString(), data: {
    platform: 'website', external_id: 'lapor-pinned-1', author: { handle: 'warga7' }, text: 'Laporan banjir di jalan protokol', created_at: new Date().toISOString(), agency: 'bpbd' } });
  r = await post(`/hooks/standard/${ids.std}`, named, stdHeaders('msg_pinned', named));
  assert.equal(r.status, 200, r.text);
  const pinned = await waitFor('q=protokol', 1);
  assert.equal(pinned.total, 1);
  assert.equal(pinned.items[0].agency_id, ids.dinkes);

  const wa = fixture('whatsapp-cloud/pywa-updates/message__reply.json');
  r = await post(`/hooks/whatsapp/${ids.wa}`, wa, { 'x-hub-signature-256': metaSig(wa, META_SECRET) });
  assert.equal(r.status, 403);
  r = await post(`/hooks/whatsapp/${ids.wa}`, wa, { 'x-hub-signature-256': metaSig(wa, 'wa-secret-bpbd') });
  assert.equal(r.status, 200, r.text);
  const was = await waitFor('platform=whatsapp', 1);
  assert.equal(was.items[0].agency_id, ids.bpbd);
});

test('paused or without credentials: 404; scope hides other agencies’ connectors', async () => {
  const body = fixture('telegram-bot/official-webhook-guide/02_message_text.json');
  let r = await pejabat.patch(`/api/v1/connectors/${ids.tg}`, { enabled: false });
  assert.equal(r.status, 200, r.text);
  r = await post(`/hooks/telegram/${ids.tg}`, body, { 'x-telegram-bot-api-secret-token': TG_TOKEN });
  assert.equal(r.status, 404);
  await pejabat.patch(`/api/v1/connectors/${ids.tg}`, { enabled: true, credentials: null });
  r = await post(`/hooks/telegram/${ids.tg}`, body, { 'x-telegram-bot-api-secret-token': TG_TOKEN });
  assert.equal(r.status, 404);
  // Health of the connectors is visible per scope: the pejabat of Dinkes never sees BPBD's.
  const h = await pejabat.get('/api/v1/connectors/health');
  assert.deepEqual(h.json.items.map((c) => c.name).sort(), ['Bot Dinkes', 'FB Dinkes', 'Lapor']);
  assert.equal((await pejabat.get(`/api/v1/connectors/${ids.x}`)).status, 404);
  // Every change is audited without the secrets.
  const audit = await admin.get('/api/v1/audit?action=connector.');
  assert.ok(!audit.text.includes(META_SECRET) && !audit.text.includes(TG_TOKEN));
});
