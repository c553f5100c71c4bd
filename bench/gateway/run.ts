/**
 * wechat-gateway throughput and latency against the `wechat` npm package (node-webot) on Express and a bare
 * node:http server (the ceiling), all in one run, on the same signed callbacks: QR-code scans (the gateway
 * asks binding for a passive reply) and location reports (no reply). For every figure it also reads, from
 * /proc, the CPU each process on the machine spent per answer, and works out what the machine's cores allow.
 *
 * Run (NATS with JetStream and Redis up; `source .infra/env` after `bash scripts/infra.sh`):
 *   node -r ./scripts/register-ts.js bench/gateway/run.ts
 * Env: BENCH_SECONDS (per measurement, default 4), BENCH_CONNECTIONS (default 32), BENCH_RATE (fixed-rate
 * latency run, default 1000 req/s), BENCH_MESSAGES (distinct callbacks per mode, default 60000),
 * NATS_URL, REDIS_URL.
 */
import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import Redis from 'ioredis';
import { jetstreamManager } from '@nats-io/jetstream';
import { CpuMeter, pidListeningOn } from '../support/process-cpu';
import { signedScans, type Credentials, type SignedRequest } from './messages';
import { serviceNatsEnv, connectTestNats } from '@mirror/testing';

const autocannon = require('autocannon');

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const RATE = Number(process.env.BENCH_RATE ?? 1000);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 60000);
const WARMUP_SECONDS = 1;
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

interface Figures {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  bad: number;
  /** CPU microseconds per answered (2xx) request, by process. */
  cpu: Record<string, number>;
}

interface Target {
  child: ChildProcess;
  port: number;
}

async function start(kind: string, env: Record<string, string>): Promise<Target> {
  const child = spawn(
    process.execPath,
    ['-r', resolve(__dirname, '../../scripts/register-ts.js'), resolve(__dirname, 'targets.ts'), kind],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<number>((done, fail) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const m = /^READY (\d+)$/.exec(line);
      if (m) done(Number(m[1]));
    });
    child.once('exit', (code) => fail(new Error(`${kind} exited with ${code} before it was ready`)));
  });
  return { child, port };
}

async function stop(target: Target): Promise<void> {
  if (target.child.exitCode !== null) return;
  const exited = new Promise((r) => target.child.once('exit', r));
  target.child.kill('SIGTERM');
  await exited;
}

/** Drives `list` at the target, one message per request, never the same message twice while it lasts. */
class Feed {
  private next = 0;
  constructor(readonly list: SignedRequest[]) {}
  take(): SignedRequest {
    return this.list[this.next++ % this.list.length];
  }
  get used(): number {
    return this.next;
  }
}

/** Drives the target: POSTs from `feed` (one message per request), or GETs `feed` when it is a path. */
async function load(port: number, feed: Feed | string, seconds: number, overallRate?: number) {
  const url = `http://127.0.0.1:${port}${typeof feed === 'string' ? feed : ''}`;
  const post = (req: Record<string, unknown>) => {
    const m = (feed as Feed).take();
    return { ...req, method: 'POST', path: m.path, body: m.body, headers: { 'content-type': 'text/xml' } };
  };
  return autocannon({
    url,
    connections: overallRate ? Math.min(CONNECTIONS, 16) : CONNECTIONS,
    duration: seconds,
    overallRate,
    ...(typeof feed === 'string' ? {} : { requests: [{ setupRequest: post }] }),
  });
}

async function measure(
  name: string,
  port: number,
  feed: Feed | string,
  pids: Record<string, number | null | undefined>,
  overallRate?: number,
): Promise<Figures> {
  await load(port, feed, WARMUP_SECONDS, overallRate);
  const meter = new CpuMeter(pids).start();
  const r = await load(port, feed, SECONDS, overallRate);
  const used = meter.stop();
  const ok = r['2xx'];
  const cpu: Record<string, number> = {};
  for (const [proc, seconds] of Object.entries(used)) cpu[proc] = (seconds * 1e6) / Math.max(ok, 1);
  return {
    name,
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    ok,
    bad: r.non2xx + r.errors + r.timeouts,
    cpu,
  };
}

async function main(): Promise<void> {
  const ns = `benchgw${Date.now().toString(36)}`;
  const creds: Credentials = {
    token: randomBytes(8).toString('hex'),
    appId: 'wxbench0000000001',
    encodingAesKey: randomBytes(48)
      .toString('base64')
      .replace(/[^A-Za-z0-9]/g, '')
      .slice(0, 43),
    accountId: 'gh_benchaccount1',
  };
  const shared = { WECHAT_TOKEN: creds.token, WECHAT_APP_ID: creds.appId };
  const gatewayEnv = {
    ...shared,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    NATS_URL,
    NATS_NAMESPACE: ns,
    ...(await serviceNatsEnv('wechat-gateway', ns)),
    REDIS_URL,
    REDIS_KEY_PREFIX: `${ns}:`,
    PUBLIC_BASE_URL: 'https://mirror.example.com',
    OAUTH_STATE_SECRET: randomBytes(16).toString('hex'),
    COOKIE_SECRET: randomBytes(16).toString('hex'),
  };
  console.log(
    `gateway bench: ${SECONDS} s per figure after ${WARMUP_SECONDS} s warm-up, ${CONNECTIONS} connections, ` +
      `distinct signed callbacks: SCAN (binding answers a news reply over NATS) and LOCATION (no reply)`,
  );
  const plain = signedScans(MESSAGES, 'plain', creds, `${ns}-p`);
  const safe = signedScans(MESSAGES, 'safe', creds, `${ns}-s`);
  const located = signedScans(MESSAGES, 'safe', creds, `${ns}l`, 'location');
  const paced = signedScans(RATE * (SECONDS + WARMUP_SECONDS) + 1000, 'safe', creds, `${ns}-r`);

  const binding = await start('binding', { NATS_URL, NATS_NAMESPACE: ns });
  // The processes that share the machine's cores with the target while it is measured.
  const neighbours = {
    'load generator': process.pid,
    binding: binding.child.pid,
    NATS: pidListeningOn(Number(new URL(NATS_URL).port || 4222)),
    Redis: pidListeningOn(Number(new URL(REDIS_URL).port || 6379)),
  };
  const rows: Figures[] = [];
  const run = async (
    name: string,
    kind: string,
    env: Record<string, string>,
    list: SignedRequest[] | string,
    rate?: number,
  ) => {
    const target = await start(kind, env);
    const feed = typeof list === 'string' ? list : new Feed(list);
    try {
      rows.push(await measure(name, target.port, feed, { target: target.child.pid, ...neighbours }, rate));
    } finally {
      await stop(target);
    }
    // Only the gateway refuses a message it saw before (replay guard); the others do not care.
    if (kind === 'gateway' && feed instanceof Feed && feed.used > feed.list.length) {
      console.warn(`  ${name}: ran out of distinct messages (raise BENCH_MESSAGES)`);
    }
  };
  try {
    await run('bare node:http answering success (ceiling)', 'bare', {}, plain);
    await run('Nest + Express ceiling (gateway GET /healthz)', 'gateway', gatewayEnv, '/healthz');
    await run('wechat package + Express, plaintext', 'wechat', shared, plain);
    await run('wechat-gateway, plaintext', 'gateway', gatewayEnv, plain);
    await run(
      'wechat package + Express, safe mode',
      'wechat',
      { ...shared, WECHAT_ENCODING_AES_KEY: creds.encodingAesKey },
      safe,
    );
    const safeEnv = { ...gatewayEnv, WECHAT_ENCODING_AES_KEY: creds.encodingAesKey };
    await run('wechat-gateway, safe mode', 'gateway', safeEnv, safe);
    await run(
      'wechat package + Express, safe, LOCATION',
      'wechat',
      { ...shared, WECHAT_ENCODING_AES_KEY: creds.encodingAesKey },
      located,
    );
    await run('wechat-gateway, safe, LOCATION', 'gateway', safeEnv, located);
    await run(`wechat-gateway, safe mode at ${RATE} req/s`, 'gateway', safeEnv, paced, RATE);
  } finally {
    await stop(binding);
  }

  const nc = await connectTestNats(NATS_URL);
  const jsm = await jetstreamManager(nc);
  const stored = (await jsm.streams.info(`${ns}_WECHAT`)).state.messages;
  for await (const s of jsm.streams.list())
    if (s.config.name.startsWith(`${ns}_`)) await jsm.streams.delete(s.config.name);
  await nc.close();
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${ns}:*`);
  for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000));
  redis.disconnect();

  console.log(
    `\n${'target'.padEnd(48)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'2xx'.padStart(8)} ${'other'.padStart(6)}`,
  );
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(48)} ${r.rps.toFixed(0).padStart(8)} ${r.p50.toFixed(1).padStart(7)} ${r.p99.toFixed(1).padStart(7)} ` +
        `${String(r.ok).padStart(8)} ${String(r.bad).padStart(6)}`,
    );
  }
  const [
    ceiling,
    nest,
    wechatPlain,
    gatewayPlain,
    wechatSafe,
    gatewaySafe,
    wechatLocated,
    gatewayLocated,
    paced1000,
  ] = rows;
  const gatewayAnswers = gatewayPlain.ok + gatewaySafe.ok + gatewayLocated.ok + paced1000.ok;
  console.log(
    `\ngateway / wechat package: plaintext ${(gatewayPlain.rps / wechatPlain.rps).toFixed(2)}x, ` +
      `safe mode ${(gatewaySafe.rps / wechatSafe.rps).toFixed(2)}x (target >= 2x in safe mode), ` +
      `safe mode LOCATION ${(gatewayLocated.rps / wechatLocated.rps).toFixed(2)}x`,
  );
  console.log(
    `share of the ceiling: gateway plaintext ${pct(gatewayPlain.rps / ceiling.rps)}, safe ${pct(gatewaySafe.rps / ceiling.rps)}; ` +
      `wechat package plaintext ${pct(wechatPlain.rps / ceiling.rps)}, safe ${pct(wechatSafe.rps / ceiling.rps)}`,
  );
  console.log(
    `framework ceiling: Nest + Express answer ${nest.rps.toFixed(0)} req/s doing nothing, ` +
      `${(nest.rps / wechatSafe.rps).toFixed(2)}x the wechat package in safe mode`,
  );
  console.log(
    `safe mode at ${RATE} req/s: p50 ${paced1000.p50.toFixed(1)} ms, p99 ${paced1000.p99.toFixed(1)} ms (target p99 < 20 ms)`,
  );
  console.log(
    `durable publish: ${stored} events in JetStream for ${gatewayAnswers} gateway answers (warm-up included in events; ` +
      'every measured 2xx was published before it was answered)',
  );

  const procs = ['target', 'load generator', 'binding', 'NATS', 'Redis'];
  console.log(
    `\nCPU per answer, microseconds (from /proc)\n${'target'.padEnd(48)} ` +
      procs.map((p) => (p === 'target' ? 'server' : p).padStart(p.length > 8 ? p.length + 1 : 9)).join('') +
      '    total',
  );
  for (const r of rows.slice(2, 8)) {
    const total = Object.values(r.cpu).reduce((a, b) => a + b, 0);
    console.log(
      `${r.name.padEnd(48)} ` +
        procs
          .map((p) =>
            (r.cpu[p] === undefined ? '-' : r.cpu[p].toFixed(0)).padStart(p.length > 8 ? p.length + 1 : 9),
          )
          .join('') +
        total.toFixed(0).padStart(9),
    );
  }
  const cores = availableParallelism();
  for (const [label, gw, wx] of [
    ['safe mode SCAN', gatewaySafe, wechatSafe],
    ['safe mode LOCATION', gatewayLocated, wechatLocated],
  ] as const) {
    const total = Object.values(gw.cpu).reduce((a, b) => a + b, 0);
    const others = total - (gw.cpu.target ?? 0);
    const goal = 2 * wx.rps;
    const room = (cores * 1e6) / goal - others;
    console.log(
      `${label}: ${cores} cores allow at most ${((cores * 1e6) / total).toFixed(0)} answers/s at this CPU per answer ` +
        `(${((cores * 1e6) / others).toFixed(0)}/s even if the gateway cost nothing); 2x the wechat package is ` +
        `${goal.toFixed(0)}/s, which leaves the gateway ${room > 0 ? room.toFixed(0) : 0} us per answer ` +
        `(it uses ${(gw.cpu.target ?? 0).toFixed(0)}; one event loop also caps it at ${(1e6 / Math.max(gw.cpu.target ?? 1, 1)).toFixed(0)}/s)`,
    );
  }
}

const pct = (x: number) => `${(100 * x).toFixed(0)}%`;

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
