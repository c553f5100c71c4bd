/**
 * qr-issuer against a naive WeChat client, in one run, both against the WeChat sandbox (in a process of
 * its own): tickets/s at BENCH_CONCURRENCY requests in flight and the access_token requests each made.
 * Both sides are BENCH_REPLICAS processes' worth of `qr.issue` responders on NATS (in this process), start
 * cold, and see WeChat rotate the token once halfway through (BENCH_ROTATE=0 to skip).
 *
 * Run: source .infra/env && node -r ./bench/qr/register.js bench/qr/run.ts
 * Env: BENCH_TICKETS (per side, default 3000), BENCH_CONCURRENCY (100), BENCH_REPLICAS (3), BENCH_ROTATE (1),
 *      BENCH_WARMUP (untimed tickets per side first, 500), BENCH_TOKEN_GRACE_SECONDS (how long a token
 *      survives a newer one, 300 as at WeChat; a few seconds compresses the hours in which a fleet of naive
 *      clients keeps retiring each other's tokens into one run), NATS_URL, REDIS_URL.
 */
import Redis from 'ioredis';
import { Requests, type QrIssueRequest } from '@mirror/contracts';
import { NatsClient } from '@mirror/nats';
import {
  deleteNamespaceStreams,
  testEnv,
  testLogger,
  uniqueName,
  testNatsAuth,
  serviceNatsEnv,
} from '@mirror/testing';
import { load } from '@mirror/svc-qr-issuer/test/support/load';
import { startReplicas } from '@mirror/svc-qr-issuer/test/support/qr-issuer.replica';
import { NaiveReplica } from './naive-replica';
import { SandboxProcess } from './sandbox-process';

interface Figures {
  name: string;
  tickets: number;
  failed: number;
  seconds: number;
  ticketsPerSecond: number;
  p50: number;
  p99: number;
  tokenRequests: number;
  rejectedCalls: number;
}

const TICKETS = Number(process.env.BENCH_TICKETS ?? 3000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 100);
const REPLICAS = Number(process.env.BENCH_REPLICAS ?? 3);
const ROTATE = process.env.BENCH_ROTATE !== '0';
const WARMUP = Number(process.env.BENCH_WARMUP ?? 500);
const GRACE_SECONDS = Number(process.env.BENCH_TOKEN_GRACE_SECONDS ?? 300);

const request = (i: number): QrIssueRequest => ({
  v: 1,
  kind: 'QR_STR_SCENE',
  sceneStr: `bench-${i}-${Math.random().toString(36).slice(2, 10)}`,
  expireSeconds: 600,
});

/** BENCH_TICKETS requests through `namespace`'s responders; the token is rotated once halfway. */
async function measure(
  name: string,
  namespace: string,
  sandbox: SandboxProcess,
  tickets = TICKETS,
  rotate = ROTATE,
): Promise<Figures> {
  const bus = await NatsClient.connect({
    ...(await testNatsAuth()),
    servers: testEnv.natsUrl(),
    name: 'bench-qr',
    namespace,
    logger: testLogger(),
  });
  const before = await sandbox.counts();
  let finished = 0;
  const started = performance.now();
  const outcomes = await load(tickets, CONCURRENCY, async (i) => {
    try {
      return await bus.request(Requests.qrIssue, request(i), { timeoutMs: 30_000 });
    } finally {
      if (++finished === Math.floor(tickets / 2) && rotate) void sandbox.rotateToken();
    }
  });
  const seconds = (performance.now() - started) / 1000;
  const after = await sandbox.counts();
  await bus.drain();
  const ms = outcomes.map((o) => o.ms).sort((a, b) => a - b);
  const ok = outcomes.filter((o) => o.ok).length;
  const created = (after['/cgi-bin/qrcode/create'] ?? 0) - (before['/cgi-bin/qrcode/create'] ?? 0);
  return {
    name,
    tickets: ok,
    failed: tickets - ok,
    seconds,
    ticketsPerSecond: ok / seconds,
    p50: ms[Math.floor(ms.length * 0.5)],
    p99: ms[Math.min(ms.length - 1, Math.floor(ms.length * 0.99))],
    tokenRequests: (after['/cgi-bin/token'] ?? 0) - (before['/cgi-bin/token'] ?? 0),
    rejectedCalls: created - ok,
  };
}

/** Fresh replicas on fresh keys every time: each measurement starts with a cold token cache. */
async function benchQrIssuer(sandbox: SandboxProcess, warmUp = false): Promise<Figures> {
  const ns = uniqueName('benchqr');
  const replicas = await startReplicas(REPLICAS, {
    NATS_URL: testEnv.natsUrl(),
    NATS_NAMESPACE: ns,
    ...(await serviceNatsEnv('qr-issuer', ns)),
    REDIS_URL: testEnv.redisUrl(),
    REDIS_KEY_PREFIX: `${ns}:`,
    WECHAT_APP_ID: sandbox.appId,
    WECHAT_APP_SECRET: sandbox.appSecret,
    WECHAT_API_BASE: sandbox.url,
    WECHAT_MP_BASE: sandbox.url,
    WECHAT_OPEN_BASE: sandbox.url,
  });
  try {
    const name = `qr-issuer (${REPLICAS} replicas, shared token)`;
    return await (warmUp ? measure(name, ns, sandbox, WARMUP, false) : measure(name, ns, sandbox));
  } finally {
    await Promise.all(replicas.map((r) => r.close()));
    await deleteNamespaceStreams(ns);
    const redis = new Redis(testEnv.redisUrl());
    const keys = await redis.keys(`${ns}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  }
}

async function benchNaive(sandbox: SandboxProcess, warmUp = false): Promise<Figures> {
  const ns = uniqueName('benchnaive');
  const replicas = await Promise.all(
    Array.from({ length: REPLICAS }, () =>
      NaiveReplica.start({
        natsUrl: testEnv.natsUrl(),
        namespace: ns,
        sandboxUrl: sandbox.url,
        appId: sandbox.appId,
        appSecret: sandbox.appSecret,
      }),
    ),
  );
  try {
    const name = `naive (${REPLICAS} processes, token per process)`;
    return await (warmUp ? measure(name, ns, sandbox, WARMUP, false) : measure(name, ns, sandbox));
  } finally {
    await Promise.all(replicas.map((r) => r.stop()));
  }
}

function print(rows: Figures[]): void {
  const header = [
    '',
    'tickets',
    'failed',
    'seconds',
    'tickets/s',
    'p50 ms',
    'p99 ms',
    'token requests',
    '40001 retries',
  ];
  const lines = rows.map((r) => [
    r.name,
    String(r.tickets),
    String(r.failed),
    r.seconds.toFixed(2),
    r.ticketsPerSecond.toFixed(0),
    r.p50.toFixed(1),
    r.p99.toFixed(1),
    String(r.tokenRequests),
    String(r.rejectedCalls),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  for (const line of [header, ...lines]) {
    console.log(
      line.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  '),
    );
  }
}

async function main(): Promise<void> {
  console.log(
    `qr bench: ${TICKETS} tickets per side, ${CONCURRENCY} in flight, ${REPLICAS} replicas each, ` +
      `token rotated halfway: ${ROTATE ? 'yes' : 'no'}, old tokens survive a new one by ${GRACE_SECONDS} s; ` +
      'cold start on both sides',
  );
  const sandbox = await SandboxProcess.start(GRACE_SECONDS);
  try {
    // Both code paths once, untimed, so neither side pays for the JIT alone.
    await benchQrIssuer(sandbox, true);
    await benchNaive(sandbox, true);
    const shared = await benchQrIssuer(sandbox);
    const naive = await benchNaive(sandbox);
    print([shared, naive]);
    console.log(
      `\ntoken requests: naive ${naive.tokenRequests} vs qr-issuer ${shared.tokenRequests} ` +
        `(${(naive.tokenRequests / Math.max(1, shared.tokenRequests)).toFixed(1)}x); ` +
        `throughput qr-issuer/naive: ${(shared.ticketsPerSecond / naive.ticketsPerSecond).toFixed(2)}x`,
    );
  } finally {
    sandbox.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
