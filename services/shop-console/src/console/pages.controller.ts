import { Body, Controller, Get, Param, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Scope } from '../auth/scope';
import { SignInRequiredFilter, StaffGuard, staffOf } from '../auth/staff.guard';
import { BindingUnavailableFilter } from './unavailable.filter';
import { ConsoleService, type StatsQuery } from './console.service';
import { FleetRunner } from './fleet.runner';
import { renderFleet, renderFunnel, renderMirror, renderMirrors } from './pages';

/** The console's pages (Chinese, for a tablet); every figure within the signed-in member's stores. */
@Controller()
@UseGuards(StaffGuard)
@UseFilters(SignInRequiredFilter, BindingUnavailableFilter)
export class PagesController {
  constructor(
    private readonly console: ConsoleService,
    private readonly fleet: FleetRunner,
    private readonly scope: Scope,
  ) {}

  @Get()
  home(@Res() res: Response): void {
    res.redirect(303, '/mirrors');
  }

  @Get('mirrors')
  async mirrors(@Req() req: Request, @Res() res: Response): Promise<void> {
    const staff = staffOf(req);
    const [{ mirrors }, today] = await Promise.all([
      this.console.mirrorList(staff),
      this.console.stats(staff, { from: this.console.today(), to: this.console.today(), by: 'mirror' }),
    ]);
    res.type('html').send(renderMirrors(staff, mirrors, today.stats));
  }

  @Get('mirrors/:mirrorId')
  async mirror(
    @Req() req: Request,
    @Res() res: Response,
    @Param('mirrorId') mirrorId: string,
  ): Promise<void> {
    const staff = staffOf(req);
    const { mirror, today } = await this.console.mirror(staff, mirrorId);
    res.type('html').send(renderMirror(staff, mirror, today));
  }

  @Get('funnel')
  async funnel(@Req() req: Request, @Res() res: Response, @Query() q: StatsQuery): Promise<void> {
    const staff = staffOf(req);
    const byDay = await this.console.stats(staff, { ...q, by: 'day' });
    const byStore =
      staff.role === 'operator' && !byDay.store
        ? (await this.console.stats(staff, { ...q, by: 'store' })).stats
        : null;
    const { stores } = await this.console.mirrorList(staff);
    res
      .type('html')
      .send(
        renderFunnel(
          staff,
          { from: byDay.from, to: byDay.to, storeId: byDay.store, stores },
          byDay.stats,
          byStore,
        ),
      );
  }

  @Get('fleet')
  async fleetPage(@Req() req: Request, @Res() res: Response): Promise<void> {
    const staff = staffOf(req);
    if (staff.role !== 'operator') this.scope.refuse(staff, 'fleet', 'fleet');
    const { mirrors } = await this.console.mirrorList(staff);
    const note = this.fleet.enabled
      ? undefined
      : { ok: false, text: '此部署未配置 FLEET_COMMAND，无法在后台登记镜子。' };
    res.type('html').send(renderFleet(staff, mirrors, note));
  }

  @Post('fleet/register')
  async register(
    @Req() req: Request,
    @Res() res: Response,
    @Body() body: { mirrorId?: string; storeId?: string; storeName?: string },
  ): Promise<void> {
    const staff = staffOf(req);
    if (staff.role !== 'operator') this.scope.refuse(staff, 'fleet', String(body.mirrorId));
    const result = await this.fleet.register(
      String(body.mirrorId ?? '').trim(),
      String(body.storeId ?? '').trim(),
      body.storeName?.trim() || undefined,
    );
    const { mirrors } = await this.console.mirrorList(staff);
    res.status(result.ok ? 200 : result.exitCode === 2 ? 400 : 502).type('html');
    res.send(
      renderFleet(staff, mirrors, {
        ok: result.ok,
        text: result.output || (result.ok ? '已登记' : '登记失败'),
      }),
    );
  }

  @Post('fleet/revoke')
  async revoke(
    @Req() req: Request,
    @Res() res: Response,
    @Body() body: { mirrorId?: string },
  ): Promise<void> {
    const staff = staffOf(req);
    if (staff.role !== 'operator') this.scope.refuse(staff, 'fleet', String(body.mirrorId));
    const result = await this.fleet.revoke(String(body.mirrorId ?? '').trim());
    const { mirrors } = await this.console.mirrorList(staff);
    res.status(result.ok ? 200 : result.exitCode === 2 ? 400 : 502).type('html');
    res.send(
      renderFleet(staff, mirrors, {
        ok: result.ok,
        text: result.output || (result.ok ? '已吊销' : '吊销失败'),
      }),
    );
  }
}
