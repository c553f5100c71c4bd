import { Module, type DynamicModule } from '@nestjs/common';
import { CallbackModule } from './callback/callback.module';
import type { AppConfig } from './config';
import { InfrastructureModule } from './infrastructure.module';
import { LinksModule } from './links/links.module';
import { MeModule } from './me/me.module';
import { OAuthModule } from './oauth/oauth.module';

/** wechat-gateway: the only HTTP edge WeChat and customers' browsers talk to. */
@Module({})
export class AppModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [InfrastructureModule.forRoot(config), CallbackModule, OAuthModule, MeModule, LinksModule],
    };
  }
}
