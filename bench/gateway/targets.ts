/**
 * One benchmark target per process, so the load generator never shares an event loop with the server.
 * Prints `READY <port>` once listening; stops on SIGTERM.
 *   bare      node:http answering `success` (the ceiling)
 *   wechat    the `wechat` npm package's middleware on Express: a news reply to a scan (encrypted in safe
 *             mode), the empty answer to a location report
 *   gateway   the wechat-gateway, booted as in production (NATS, Redis, JetStream publish)
 *   binding   a trivial binding.reply.scan responder answering a news reply
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const kind = process.argv[2];
const ready = (port: number) => process.stdout.write(`READY ${port}\n`);
const onStop = (stop: () => Promise<unknown> | void) =>
  process.once('SIGTERM', () => {
    void Promise.resolve(stop()).finally(() => process.exit(0));
  });

async function bare(): Promise<void> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('success'));
  });
  server.listen(0, '127.0.0.1', () => ready((server.address() as AddressInfo).port));
  onStop(() => new Promise((r) => server.close(r)));
}

async function wechatPackage(): Promise<void> {
  const express = require('express');
  const wechat = require('wechat');
  const config: Record<string, string> = {
    token: process.env.WECHAT_TOKEN!,
    appid: process.env.WECHAT_APP_ID!,
  };
  if (process.env.WECHAT_ENCODING_AES_KEY) config.encodingAESKey = process.env.WECHAT_ENCODING_AES_KEY;
  const app = express();
  app.disable('x-powered-by');
  app.use(
    '/wechat',
    wechat(config, (req: { weixin: Record<string, string> }, res: { reply: (c: unknown) => void }) =>
      // A scan gets the news reply binding would give; a location report gets the empty answer (no reply).
      req.weixin.Event === 'LOCATION'
        ? res.reply('')
        : res.reply([
            {
              title: '您的试衣照片',
              description: '共 3 张',
              picurl: 'https://p.example.com/t.jpg',
              url: 'https://example.com/me',
            },
          ]),
    ),
  );
  const server = app.listen(0, '127.0.0.1', () => ready((server.address() as AddressInfo).port));
  onStop(() => new Promise((r) => server.close(r)));
}

async function gateway(): Promise<void> {
  const { bootstrapService } = await import('@mirror/platform');
  const { wechatGatewayService } = await import('../../services/wechat-gateway/src/main');
  const app = await bootstrapService(wechatGatewayService);
  ready((app.getHttpServer().address() as AddressInfo).port);
  onStop(() => app.close());
}

async function binding(): Promise<void> {
  const { Requests } = await import('@mirror/contracts');
  const { NatsClient } = await import('@mirror/nats');
  const { testLogger, testNatsAuth } = await import('@mirror/testing');
  const bus = await NatsClient.connect({
    ...(await testNatsAuth()),
    servers: process.env.NATS_URL!,
    name: 'bench-binding',
    namespace: process.env.NATS_NAMESPACE,
    logger: testLogger(),
  });
  bus.serve(Requests.replyScan, async (request) => ({
    reply: {
      type: 'news' as const,
      articles: [
        {
          title: '您的试衣照片',
          description: `共 3 张 · ${request.eventId.slice(-6)}`,
          picUrl: 'https://p.example.com/t.jpg',
          url: 'https://example.com/me',
        },
      ],
    },
  }));
  await bus.nc.flush();
  ready(0);
  onStop(() => bus.drain());
}

const targets: Record<string, () => Promise<void>> = { bare, wechat: wechatPackage, gateway, binding };
const run = targets[kind];
if (!run) {
  process.stderr.write(`unknown target ${kind}; one of ${Object.keys(targets).join(', ')}\n`);
  process.exit(2);
}
run().catch((e: unknown) => {
  process.stderr.write(`${kind} failed to start: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
