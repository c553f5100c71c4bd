import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One Prometheus registry per process; metrics are created once and reused by name. */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly made = new Map<string, Counter | Gauge | Histogram>();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  counter(name: string, help: string, labelNames: string[] = []): Counter {
    return this.once(
      name,
      () => new Counter({ name, help, labelNames, registers: [this.registry] }),
    ) as Counter;
  }

  gauge(name: string, help: string, labelNames: string[] = []): Gauge {
    return this.once(name, () => new Gauge({ name, help, labelNames, registers: [this.registry] })) as Gauge;
  }

  histogram(name: string, help: string, labelNames: string[] = [], buckets?: number[]): Histogram {
    return this.once(
      name,
      () =>
        new Histogram({
          name,
          help,
          labelNames,
          registers: [this.registry],
          ...(buckets ? { buckets } : {}),
        }),
    ) as Histogram;
  }

  private once(name: string, make: () => Counter | Gauge | Histogram) {
    let metric = this.made.get(name);
    if (!metric) {
      metric = make();
      this.made.set(name, metric);
    }
    return metric;
  }
}
