#!/usr/bin/env node
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { Events, MirrorSubjects, decode, mirrorDisplay, mirrorGesture } from '@mirror/contracts';
import { NatsClient } from '@mirror/nats';
import { mirrorNatsEnv, testNatsAuth } from '@mirror/testing';
import Redis from 'ioredis';
import pino from 'pino';
import { SimulatedCustomer } from './customer';
import { photoAfterScan } from './later-photo';
import { startStaffConsole, type RunningConsole } from './staff-console';
import { tryOnOutfits } from './looks-visit';
import { infraFromEnv, startSystem, type RunningSystem } from './system';

const ROOT = resolve(__dirname, '..', '..', '..');
const MIRROR = 'demo-mirror-1';
const say = (step: string, text: string) => console.log(`\x1b[1m[${step}]\x1b[0m ${text}`);

function waitFor<T>(
  register: (resolve: (v: T) => void) => void,
  timeoutMs: number,
  what: string,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`)),
      timeoutMs,
    );
    register((v) => {
      clearTimeout(timer);
      resolve(v);
    });
  });
}

async function main() {
  const basePort = Number(process.env.DEMO_BASE_PORT ?? 3000);
  const screenPort = Number(process.env.DEMO_SCREEN_PORT ?? 8088);
  const logDir = resolve(ROOT, '.infra/logs/demo');
  say('start', `starting the WeChat sandbox and five services (logs in ${logDir})…`);
  const running: { system?: RunningSystem; mirror?: ReturnType<typeof spawn>; console?: RunningConsole } = {};
  const shutdown = async (code: number) => {
    say('stop', 'stopping everything the demo started…');
    running.mirror?.kill('SIGTERM');
    await running.console?.process.stop();
    await running.system?.stop();
    process.exit(code);
  };
  process.once('SIGINT', () => void shutdown(0));
  process.once('SIGTERM', () => void shutdown(0));

  const system = await startSystem({
    infra: infraFromEnv('run through scripts/demo.sh (it sources .infra/env)'),
    basePort,
    namespace: '',
    logDir,
    logLevel: 'info',
  });
  running.system = system;
  await endSessionLeftOpen(infraFromEnv('run through scripts/demo.sh (it sources .infra/env)').REDIS_URL);
  // the shop's side: the staff console on a port of its own, beside the customer-facing gateway
  const staff = await startStaffConsole({
    infra: infraFromEnv('run through scripts/demo.sh (it sources .infra/env)'),
    namespace: '',
    logDir,
    logLevel: 'info',
    port: basePort + 10,
  });
  running.console = staff;
  say(
    'start',
    `all five services ready; gateway ${system.urls.gateway}, WeChat sandbox ${system.urls.sandbox}`,
  );

  // the narrator watches every subject: on a locked bus it signs in as an observer of the local authority
  const nats = await NatsClient.connect({
    ...(await testNatsAuth()),
    servers: process.env.NATS_URL!,
    name: 'demo-narrator',
    logger: pino({ level: 'silent' }),
  });
  nats.subscribe(Events.sessionStarted.subject, (m) => {
    const e = decode(Events.sessionStarted, m.data);
    if (e.mirrorId === MIRROR) say('vision', `a person stepped in: session ${e.sessionId} started`);
  });
  nats.subscribe(Events.sessionEnded.subject, (m) => {
    const e = decode(Events.sessionEnded, m.data);
    if (e.mirrorId === MIRROR)
      say('vision', `the mirror is empty again: session ${e.sessionId} ended (${e.reason})`);
  });
  nats.subscribe(MirrorSubjects.of('gesture', MIRROR), (m) => {
    const g = decode(mirrorGesture, m.data);
    say('gesture', `${g.gesture} (${Math.round(g.confidence * 100)}%)`);
  });
  const qr = waitFor<{ url: string; sessionId: string; expiresAt: string }>(
    (done) =>
      nats.subscribe(MirrorSubjects.of('display', MIRROR), (m) => {
        const d = decode(mirrorDisplay, m.data);
        if (d.kind === 'qr') done(d);
      }),
    120000,
    'the QR code on the mirror',
  );
  const photo = waitFor<{ photoId: string }>(
    (done) =>
      nats.subscribe(Events.photoStored.subject, (m) => {
        const p = decode(Events.photoStored, m.data);
        if (p.mirrorId === MIRROR) done(p);
      }),
    180000,
    'a stored photo',
  );

  running.mirror = spawn(
    process.execPath,
    [
      resolve(ROOT, 'tools/mirror-sim/dist/main.js'),
      '--mirror',
      MIRROR,
      '--fps',
      '5',
      '--loop', // the visit repeats, so the mirror screen keeps showing sessions come and go
      '--screen-port',
      String(screenPort),
    ],
    { env: { ...process.env, ...(await mirrorNatsEnv(MIRROR)) }, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  say(
    'mirror',
    `mirror-sim publishes frames of a built-in visit; mirror screen on http://127.0.0.1:${screenPort}/`,
  );

  const shown = await qr;
  say('qr', `session ${shown.sessionId}: QR issued (expires ${shown.expiresAt}) → ${shown.url}`);
  await tryOnOutfits(nats, MIRROR, shown.sessionId, say);
  const stored = await photo;
  say('photo', `photo ${stored.photoId} stored (original, display, thumbnail) and attached to the session`);

  const customer = new SimulatedCustomer(system.urls.sandbox, 'oDemoCustomer0000000001');
  say('scan', `customer ${customer.openid} scans the QR code with WeChat…`);
  const outcome = await customer.scan(shown.url);
  if (outcome.news) {
    say('reply', `WeChat chat shows: "${outcome.news.title}" — ${outcome.news.description}`);
  } else {
    say(
      'reply',
      `gateway answered "${outcome.replyType}"${outcome.text ? `: ${outcome.text}` : ''}; waiting for the customer-service message…`,
    );
    for (let i = 0; i < 30 && !outcome.news; i++) {
      const msgs = await customer.messages();
      const news = msgs.find((m) => m.msgtype === 'news')?.articles?.[0];
      if (news?.url)
        outcome.news = { title: news.title ?? '', description: news.description ?? '', url: news.url };
      else await new Promise((r) => setTimeout(r, 500));
    }
  }
  if (!outcome.news?.url) throw new Error('the customer got no link to their photos');
  say(
    'oauth',
    `customer taps the link: ${system.urls.gateway}/link/… → WeChat OAuth (sandbox) → /oauth/callback → /me`,
  );
  const page = await customer.open(outcome.news.url);
  const shows = page.html.includes(stored.photoId) || page.html.includes('<img');
  say(
    'gallery',
    `photo page answered ${page.status}: ${shows ? 'the photo is there' : 'no photo visible!'} (${page.url})`,
  );

  // the link above keeps working (each open mints a fresh OAuth state); a customer may also ask again
  const again = await customer.text('照片');
  say(
    'text',
    `customer writes "照片" and gets ${again.url ? 'a fresh link to the gallery' : `a ${again.replyType} reply`}`,
  );
  // a look taken after the scan reaches the chat by itself, as a pushed message with the same lasting links
  await photoAfterScan(nats, MIRROR, shown.sessionId, customer, say);

  console.log(`
Open in a browser:
  mirror screen     http://127.0.0.1:${screenPort}/
  customer's page   ${again.url ?? `${system.urls.gateway}/me (needs the cookie set by the OAuth link)`}
                    (the sandbox consents as ${customer.openid}, then the gateway sets the cookie and shows /me)
  WeChat sandbox    ${system.urls.sandbox}/_sandbox/calls
  staff console     ${staff.url}  (sign in as ${staff.signIn.username} / ${staff.signIn.password})
Logs: ${logDir}.   Ctrl-C stops everything the demo started.`);
}

main().catch((e: unknown) => {
  console.error(`demo failed: ${e instanceof Error ? e.message : String(e)}`);
  process.kill(process.pid, 'SIGTERM');
});

/**
 * A demo stopped mid-visit leaves its mirror's session open; session-vision ends it once its frames have
 * stopped for SESSION_FRAMES_STOPPED_MS. A new visit starts only then, so the demo waits for it instead of
 * continuing the old visit.
 */
async function endSessionLeftOpen(redisUrl: string): Promise<void> {
  const redis = new Redis(redisUrl, { keyPrefix: 'mirror:', lazyConnect: true });
  try {
    await redis.connect();
    if (!(await redis.sismember('vision:open-sessions', MIRROR))) return;
    say('vision', 'an earlier run left a session open on the mirror: it ends first (frames stopped)…');
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline && (await redis.sismember('vision:open-sessions', MIRROR))) {
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    redis.disconnect();
  }
}
