import { Module } from '@nestjs/common';
import { MeController } from './me.controller';
import { MeService } from './me.service';

/** `/me`: the customer's photos, grouped by visit; view, save, delete. */
@Module({ controllers: [MeController], providers: [MeService] })
export class MeModule {}
