import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ApiController } from './api.controller';
import { AssetsController } from './assets.controller';
import { BindingClient } from './binding.client';
import { ConsoleService } from './console.service';
import { FleetRunner } from './fleet.runner';
import { HeartbeatListener } from './heartbeat.listener';
import { MirrorsService } from './mirrors.service';
import { PagesController } from './pages.controller';

/** The pages, the JSON API and CSV export, mirror status, and registration through the fleet command. */
@Module({
  imports: [AuthModule],
  providers: [BindingClient, HeartbeatListener, MirrorsService, ConsoleService, FleetRunner],
  controllers: [PagesController, ApiController, AssetsController],
})
export class ConsoleModule {}
