// Latency from a webhook's arrival to the event reaching a connected live-stream client (issue 5,
// part 7), on the real server over real HTTP: starts `humas serve` on loopback with the shipped
// language models, logs in, opens GET /api/v1/events (server-sent events, as the web client does),
// then POSTs signed Meta Page-feed webhooks (X-Hub-Signature-256 over the raw body, the fixture
// ../shared/fixtures/meta-graph/webhooks/page_feed_status_dashboard_sample.json with a fresh
// post id and text per event) and times each one until its `mention` event arrives on the stream.
// Between POST and event: signature check, durable commit to the webhook inbox, the 200, the intake
// worker (mapping, labels, query matching, UpsertBatch with FTS and rollups), the SSE fan-out.
//
// Named baselines in the same run: the round trip of GET /api/v1/health (HTTP alone), and the
// webhook's own acknowledgement (POST → 200, the durable commit). Prints p50/p95/p99 and ratios.
// Sequential: one webhook in flight at a time; burst: BURST webhooks sent at once, each timed.
//
// Usage: node bench/webhook_latency.mjs [EVENTS=500] [BURST=50]  (HUMAS_BIN, HUMAS_SHARED as in
// tests/integration).
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startServer, addUser, loggedIn, newDataDir, ROOT } from '../tests/integration/lib.mjs';

const EVENTS = Number(process.argv[2] || 500);
const BURST = Number(process.argv[3] || 50);
const SECRET = 'humas-bench-app-secret-0123456789';
const SHARED = process.env.HUMAS_SHARED || resolve(ROOT, '..', 'shared');
const template = JSON.parse(
  readFileSync(join(SHARED, 'fixtures/meta-graph/webhooks/page_feed_status_dashboard_sample.json'), 'utf8'));
const words = ['jalan', 'rusak', 'air', 'bersih', 'puskesmas', 'antre', 'lampu', 'mati', 'banjir',
  'sekolah', 'bantuan', 'sosial', 'terima', 'kasih', 'pelayanan', 'lambat', 'cepat', 'pasar'];

function payload(i) {
  const body = structuredClone(template);
  const v = body.entry[0].changes[0].value;
  v.post_id = `9${process.pid}_${i}`;
  v.created_time = Math.floor(Date.now() / 1000);
  v.message = Array.from({ length: 12 }, (_, k) => words[(i * 7 + k * 5) % words.length]).join(' ') + ` #${i}`;
  body.entry[0].time = v.created_time;
  return { id: v.post_id, raw: JSON.stringify(body) };
}

function stats(ms) {
  const v = [...ms].sort((a, b) => a - b);
  const at = (q) => v[Math.min(v.length - 1, Math.floor(v.length * q))];
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  return { n: v.length, mean, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: v[v.length - 1] };
}
const fmt = (s) => `n=${s.n} mean ${s.mean.toFixed(2)} ms  p50 ${s.p50.toFixed(2)}  p95 ${s.p95.toFixed(2)}  p99 ${s.p99.toFixed(2)}  max ${s.max.toFixed(2)}`;

const dataDir = newDataDir();
addUser(dataDir, 'admin', 'admin');
const server = await startServer({
  dataDir,
  env: { HUMAS_WEBHOOK_META_APP_SECRET: SECRET, HUMAS_WEBHOOK_RATE_PER_MINUTE: '10000000' },
});
try {
  const admin = await loggedIn(server.url, 'admin');
  const waiting = new Map();  // external id → resolve(time)
  const res = await fetch(server.url + '/api/v1/events', { headers: { cookie: admin.cookie } });
  if (res.status !== 200) throw new Error('events: ' + res.status);
  const reader = res.body.getReader();
  (async () => {
    const decoder = new TextDecoder();
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      const now = performance.now();
      buf += decoder.decode(value, { stream: true });
      let idx;
      while ((idx = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, idx);
        buf = buf.slice(idx + 2);
        if (!/^event: ?mention$/m.test(block)) continue;
        const data = JSON.parse(block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.replace(/^data: ?/, '')).join('\n'));
        const done = waiting.get(data.external_id);
        if (done) done(now);
      }
    }
  })();

  async function send(i) {
    const { id, raw } = payload(i);
    const arrived = new Promise((r) => waiting.set(id, r));
    const t0 = performance.now();
    const r = await fetch(server.url + '/hooks/meta', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': 'sha256=' + createHmac('sha256', SECRET).update(raw).digest('hex') },
      body: raw,
    });
    const ack = performance.now() - t0;
    if (r.status !== 200) throw new Error(`webhook ${i}: ${r.status} ${await r.text()}`);
    await r.arrayBuffer();
    const t2 = await Promise.race([arrived, new Promise((_, rej) => setTimeout(() => rej(new Error(`no event for ${id} within 30 s`)), 30000))]);
    waiting.delete(id);
    return { ack, total: t2 - t0 };
  }

  // Warm-up (connections, models, statement caches); not counted.
  for (let i = 0; i < 20; i++) await send(1e6 + i);
  const health = [];
  for (let i = 0; i < EVENTS; i++) {
    const t0 = performance.now();
    const r = await fetch(server.url + '/api/v1/health');
    await r.arrayBuffer();
    health.push(performance.now() - t0);
  }
  const seq = [];
  for (let i = 0; i < EVENTS; i++) seq.push(await send(i));
  const burst = [];
  for (let start = 0; start < EVENTS; start += BURST) {
    const n = Math.min(BURST, EVENTS - start);
    burst.push(...(await Promise.all(Array.from({ length: n }, (_, k) => send(2e6 + start + k)))));
  }
  const h = stats(health);
  const ack = stats(seq.map((x) => x.ack));
  const total = stats(seq.map((x) => x.total));
  const b = stats(burst.map((x) => x.total));
  console.log(`events=${EVENTS} burst=${BURST}`);
  console.log(`baseline GET /api/v1/health round trip:        ${fmt(h)}`);
  console.log(`webhook acknowledged (durable in the inbox):    ${fmt(ack)}`);
  console.log(`webhook → SSE mention event, one at a time:     ${fmt(total)}`);
  console.log(`webhook → SSE mention event, ${String(BURST).padEnd(3)} at once:     ${fmt(b)}`);
  console.log(`ratios p50: event/health ${(total.p50 / h.p50).toFixed(1)}, event/ack ${(total.p50 / ack.p50).toFixed(2)}; p99 one at a time ${total.p99.toFixed(1)} ms, in bursts ${b.p99.toFixed(1)} ms`);
} finally {
  await server.stop();
}
