import { Module, type DynamicModule } from '@nestjs/common';
import { ClaimsModule } from './claims/claims.module';
import type { AppConfig } from './config';
import { CustomersModule } from './customers/customers.module';
import { GalleryModule } from './gallery/gallery.module';
import { InfrastructureModule } from './infrastructure.module';
import { LooksModule } from './looks/looks.module';
import { OAuthModule } from './oauth/oauth.module';
import { PhotosModule } from './photos/photos.module';
import { ProductsModule } from './products/products.module';
import { PushModule } from './push/push.module';
import { RepliesModule } from './replies/replies.module';
import { RetentionModule } from './retention/retention.module';
import { SessionsModule } from './sessions/sessions.module';
import { StatsModule } from './stats/stats.module';

/** binding: the Postgres record joining sessions, scenes, photos and WeChat users. */
@Module({})
export class AppModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        InfrastructureModule.forRoot(config),
        CustomersModule,
        SessionsModule,
        PhotosModule,
        ClaimsModule,
        PushModule,
        OAuthModule,
        RepliesModule,
        ProductsModule,
        GalleryModule,
        RetentionModule,
        LooksModule,
        StatsModule,
      ],
    };
  }
}
