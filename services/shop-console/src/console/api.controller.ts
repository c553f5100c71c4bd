import { Controller, Get, Param, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { SignInRequiredFilter, StaffGuard, staffOf } from '../auth/staff.guard';
import { BindingUnavailableFilter } from './unavailable.filter';
import { ConsoleService, type StatsQuery } from './console.service';
import { statsCsv } from './csv';

/** The JSON API behind the pages (same session, same scope), and the CSV export. */
@Controller('api')
@UseGuards(StaffGuard)
@UseFilters(SignInRequiredFilter, BindingUnavailableFilter)
export class ApiController {
  constructor(private readonly console: ConsoleService) {}

  @Get('mirrors')
  async mirrors(@Req() req: Request, @Query('store') store?: string) {
    const { mirrors } = await this.console.mirrorList(staffOf(req), store || undefined);
    return { mirrors };
  }

  @Get('mirrors/:mirrorId')
  mirror(@Req() req: Request, @Param('mirrorId') mirrorId: string) {
    return this.console.mirror(staffOf(req), mirrorId);
  }

  @Get('stats')
  async stats(@Req() req: Request, @Query() q: StatsQuery) {
    return (await this.console.stats(staffOf(req), q, [])).stats;
  }

  @Get('stats.csv')
  async csv(@Req() req: Request, @Res() res: Response, @Query() q: StatsQuery): Promise<void> {
    const { from, to, stats } = await this.console.stats(staffOf(req), q, ['day']);
    res.setHeader('Content-Disposition', `attachment; filename="stats-${from}-${to}.csv"`);
    res.type('text/csv; charset=utf-8').send(statsCsv(stats));
  }
}
