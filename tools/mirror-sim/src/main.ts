#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { busInboxPrefix, isValidMirrorId, type LooksState } from '@mirror/contracts';
import { NatsClient } from '@mirror/nats';
import pino from 'pino';
import { defaultSequence, folderSequence, videoSequence, type Frame } from './frames';
import { MirrorSimulator } from './mirror-simulator';
import { ScreenServer } from './screen.server';

const USAGE = `mirror-sim — behaves like a fitting mirror on NATS

  node tools/mirror-sim/dist/main.js [options]

  --mirror ID        mirror id, [a-z0-9-]{1,64}          (default: demo-mirror-1)
  --nats URL         NATS server(s)                       (default: $NATS_URL or nats://127.0.0.1:4222)
  --creds FILE       the mirror's NATS credentials (.creds, from registration; default: $NATS_CREDS)
  --frames PATH      a folder of images or a video file (video needs ffmpeg); default: a built-in visit
  --fps N            frames per second                    (default: 5)
  --loop             repeat the frames forever
  --auto-photo S     take a photo S seconds into each session (default: 0 = only when binding asks: take-photo after a thumbs-up)
  --screen-port P    serve the mirror screen page on P    (default: 8088; 0 = any free port; -1 = none)
  --help`;

async function main() {
  const { values } = parseArgs({
    options: {
      mirror: { type: 'string', default: 'demo-mirror-1' },
      nats: { type: 'string', default: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' },
      creds: { type: 'string', default: process.env.NATS_CREDS },
      frames: { type: 'string' },
      fps: { type: 'string', default: '5' },
      loop: { type: 'boolean', default: false },
      'auto-photo': { type: 'string', default: '0' },
      'screen-port': { type: 'string', default: '8088' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return void console.log(USAGE);
  const fps = Number(values.fps);
  const screenPort = Number(values['screen-port']);
  const autoPhoto = Number(values['auto-photo']);
  if (!isValidMirrorId(values.mirror!))
    throw new UsageError(`--mirror must match [a-z0-9-]{1,64}, got "${values.mirror}"`);
  if (!(fps > 0 && fps <= 60)) throw new UsageError('--fps must be a number between 0 and 60');
  if (!Number.isInteger(screenPort) || screenPort < -1)
    throw new UsageError('--screen-port must be a port, 0 or -1');
  if (!(autoPhoto >= 0)) throw new UsageError('--auto-photo must be a number of seconds ≥ 0');

  const frames: Frame[] = !values.frames
    ? await defaultSequence(fps)
    : /\.(mp4|mov|mkv|webm|avi)$/i.test(values.frames)
      ? await videoSequence(values.frames, fps)
      : await folderSequence(values.frames);

  const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' });
  const namespace = process.env.NATS_NAMESPACE ?? '';
  const creds = values.creds ? readCreds(values.creds) : undefined;
  const nats = await NatsClient.connect({
    servers: values.nats!,
    name: `mirror-sim-${values.mirror}`,
    namespace,
    logger,
    // a mirror may read replies (its photos' acks) under its own inbox prefix only
    ...(creds ? { creds, inboxPrefix: busInboxPrefix({ mirrorId: values.mirror! }, namespace) } : {}),
  });
  const mirror = new MirrorSimulator(nats, {
    mirrorId: values.mirror!,
    fps,
    loop: values.loop!,
    autoPhotoAfterSeconds: autoPhoto,
  });
  const say = (text: string) => console.log(`[mirror ${values.mirror}] ${text}`);
  let lastLabel = '';
  mirror.on('frame', (seq: number, label: string) => {
    if (label !== lastLabel) say(`frame ${seq}: ${label}`);
    lastLabel = label;
  });
  mirror.on('frame-rate', (fps: number, reason: string) => say(`frame rate ${fps} fps (${reason})`));
  mirror.on('display', (d) =>
    say(
      d.kind === 'qr'
        ? `display: QR for session ${d.sessionId} (expires ${d.expiresAt}) → ${d.url}`
        : `display: ${d.kind}${d.text ? ` "${d.text}"` : ''}`,
    ),
  );
  mirror.on('gesture', (g) => say(`gesture: ${g.gesture} (${Math.round(g.confidence * 100)}%)`));
  mirror.on('photo', (p) =>
    say(
      `photo taken (${p.reason}): ${p.photoId}, ${Math.round(p.bytes / 1024)} KB, session ${p.sessionId ?? 'none'}`,
    ),
  );
  mirror.on('looks', (l: LooksState) => {
    if (!l.sessionId) return;
    const shown = l.looks.findIndex((look) => look.photoId === l.current) + 1;
    const marks = [
      l.countdown && 'countdown',
      l.compare && `compare with ${l.compare.with}`,
      l.paused && 'paused',
      l.details && 'details',
    ].filter(Boolean);
    say(
      `looks: ${l.looks.length}${shown ? `, showing ${shown}` : ''}, ${l.looks.filter((x) => x.favourite).length} ★` +
        `${marks.length ? ` (${marks.join(', ')})` : ''}${l.feedback ? ` — ${l.feedback}` : ''}`,
    );
  });
  mirror.on('error', (e: Error) => say(`error: ${e.message}`));

  const screen = screenPort >= 0 ? new ScreenServer(mirror) : undefined;
  if (screen) say(`mirror screen: ${await screen.listen(screenPort)}`);
  say(`publishing ${frames.length} frames at ${fps} fps${values.loop ? ', looping' : ''}; Ctrl-C stops`);
  mirror.start(frames);

  const stop = async () => {
    await mirror.stop();
    await screen?.close();
    await nats.drain();
    process.exit(0);
  };
  mirror.on('end', () => {
    say('sequence finished; still listening (Ctrl-C stops)');
  });
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

class UsageError extends Error {}

main().catch((e: unknown) => {
  console.error(
    e instanceof UsageError
      ? `${e.message}\n\n${USAGE}`
      : `mirror-sim: ${e instanceof Error ? e.message : String(e)}`,
  );
  process.exit(2);
});

function readCreds(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(
      `--creds ${path}: cannot read it (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
    );
  }
}
