import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { CONSOLE_CSS, CONSOLE_JS } from './assets';

// Chart.js from the npm package, served by the console itself: no CDN
const CHART_JS = readFileSync(join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'));

/** The console's script, stylesheet and Chart.js (no session needed: nothing in them is private). */
@Controller('assets')
export class AssetsController {
  private send(res: Response, type: string, body: string | Buffer): void {
    res.setHeader('Cache-Control', 'public, max-age=3600');
    res.type(type).send(body);
  }

  @Get('console.js')
  script(@Res() res: Response): void {
    this.send(res, 'application/javascript; charset=utf-8', CONSOLE_JS);
  }

  @Get('console.css')
  style(@Res() res: Response): void {
    this.send(res, 'text/css; charset=utf-8', CONSOLE_CSS);
  }

  @Get('chart.umd.min.js')
  chart(@Res() res: Response): void {
    this.send(res, 'application/javascript; charset=utf-8', CHART_JS);
  }
}
