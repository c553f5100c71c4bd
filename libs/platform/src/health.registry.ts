import { Injectable } from '@nestjs/common';
import { withTimeout } from '@mirror/async';

/** A dependency whose reachability decides readiness; `check` rejects with the reason when it is down. */
export interface HealthIndicator {
  readonly name: string;
  check(): Promise<void>;
}

export interface ReadinessReport {
  ready: boolean;
  checks: { name: string; ok: boolean; error?: string }[];
}

@Injectable()
export class HealthRegistry {
  private readonly indicators: HealthIndicator[] = [];
  private shuttingDown = false;

  register(indicator: HealthIndicator): void {
    this.indicators.push(indicator);
  }

  /** Once shutdown starts the service reports not-ready so load balancers stop sending work. */
  markShuttingDown(): void {
    this.shuttingDown = true;
  }

  async readiness(timeoutMs = 1500): Promise<ReadinessReport> {
    const checks = await Promise.all(
      this.indicators.map(async (ind) => {
        try {
          await withTimeout(ind.check(), timeoutMs, {
            reject: () => new Error(`${ind.name} did not answer within ${timeoutMs} ms`),
          });
          return { name: ind.name, ok: true };
        } catch (e) {
          return { name: ind.name, ok: false, error: e instanceof Error ? e.message : String(e) };
        }
      }),
    );
    if (this.shuttingDown) checks.push({ name: 'process', ok: false, error: 'shutting down' });
    return { ready: checks.every((c) => c.ok), checks };
  }
}
