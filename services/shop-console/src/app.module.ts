import { Module, type DynamicModule } from '@nestjs/common';
import { AuthModule } from './auth/auth.module';
import type { AppConfig } from './config';
import { ConsoleModule } from './console/console.module';
import { InfrastructureModule } from './infrastructure.module';
import { StaffModule } from './staff/staff.module';

/** shop-console: the staff's web console — mirrors, funnel, registration — on a port of its own. */
@Module({})
export class AppModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [InfrastructureModule.forRoot(config), StaffModule, AuthModule, ConsoleModule],
    };
  }
}
