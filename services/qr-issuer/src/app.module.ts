import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from './config';
import { InfrastructureModule } from './infrastructure.module';
import { QrModule } from './qr/qr.module';

/** qr-issuer: the shared WeChat access_token and QR tickets for sessions and mirrors. */
@Module({})
export class AppModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [InfrastructureModule.forRoot(config), QrModule],
    };
  }
}
