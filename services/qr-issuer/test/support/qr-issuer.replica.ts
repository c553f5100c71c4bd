import type { INestApplication } from '@nestjs/common';
import { Clock, bootstrapService } from '@mirror/platform';
import { freePort } from '@mirror/testing';
import { loadAppConfig } from '../../src/config';
import { qrIssuerService } from '../../src/main';

/** One qr-issuer replica: the whole Nest app, in this process, with its own NATS and Redis connections. */
export class QrIssuerReplica {
  private constructor(
    private readonly app: INestApplication,
    readonly url: string,
  ) {}

  static async start(env: Record<string, string>): Promise<QrIssuerReplica> {
    const port = await freePort();
    const app = await bootstrapService({
      ...qrIssuerService,
      loadConfig: () =>
        loadAppConfig({
          ...env,
          PORT: String(port),
          LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
        }),
    });
    return new QrIssuerReplica(app, `http://127.0.0.1:${port}`);
  }

  /** Sum of a Prometheus series over its label sets (0 when absent). */
  async metric(name: string): Promise<number> {
    const text = await (await fetch(`${this.url}/metrics`)).text();
    return text
      .split('\n')
      .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
      .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
  }

  /**
   * Moves this replica's clock (the platform's `Clock`, which QrService and QrImageSigner share) `ms` ahead
   * of the wall clock; the returned function puts it back.
   */
  skewClock(ms: number): () => void {
    const now = jest.spyOn(this.app.get(Clock), 'now').mockImplementation(() => Date.now() + ms);
    return () => now.mockRestore();
  }

  async close(): Promise<void> {
    await this.app.close();
  }
}

/** Starts `count` replicas one after another (they share the namespace and Redis prefix of `env`). */
export async function startReplicas(count: number, env: Record<string, string>): Promise<QrIssuerReplica[]> {
  const replicas: QrIssuerReplica[] = [];
  for (let i = 0; i < count; i++) replicas.push(await QrIssuerReplica.start(env));
  return replicas;
}

/** Sum of one metric over all replicas. */
export async function total(replicas: QrIssuerReplica[], name: string): Promise<number> {
  const values = await Promise.all(replicas.map((r) => r.metric(name)));
  return values.reduce((a, b) => a + b, 0);
}
