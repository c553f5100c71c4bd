import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { HealthRegistry } from './health.registry';
import { MetricsService } from './metrics.service';

@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthRegistry,
    private readonly metrics: MetricsService,
  ) {}

  /** Alive: the process answers. */
  @Get('healthz')
  healthz() {
    return { status: 'ok' };
  }

  /** Ready: every dependency answers; 503 names the failing ones. */
  @Get('readyz')
  async readyz(@Res() res: Response) {
    const report = await this.health.readiness();
    const failing = report.checks.filter((c) => !c.ok).map((c) => c.name);
    res
      .status(report.ready ? 200 : 503)
      .json({ status: report.ready ? 'ready' : 'unavailable', failing, checks: report.checks });
  }

  @Get('metrics')
  async prometheus(@Res() res: Response) {
    res.setHeader('Content-Type', this.metrics.registry.contentType);
    res.send(await this.metrics.registry.metrics());
  }
}
