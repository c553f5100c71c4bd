import { Module, type DynamicModule } from '@nestjs/common';
import { NatsModule } from '@mirror/nats';
import { ClaimsModule } from './claims/claims.module';
import type { AppConfig } from './config';
import { CustomersModule } from './customers/customers.module';
import { RepositoriesModule } from './database/repositories.module';
import { GalleryModule } from './gallery/gallery.module';
import { InfrastructureModule } from './infrastructure';
import { OAuthModule } from './oauth/oauth.module';
import { PhotosModule } from './photos/photos.module';
import { RepliesModule } from './replies/replies.module';
import { RetentionModule } from './retention/retention.module';
import { SessionsModule } from './sessions/sessions.module';

/** binding: the Postgres record joining sessions, scenes, photos and WeChat users. */
@Module({})
export class AppModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        NatsModule.forRoot({
          config,
          name: 'binding',
          streams: ['SESSIONS', 'QR', 'PHOTOS', 'WECHAT'],
        }),
        InfrastructureModule.register(config),
        RepositoriesModule,
        ClaimsModule,
        SessionsModule,
        PhotosModule,
        RepliesModule,
        CustomersModule,
        OAuthModule,
        GalleryModule,
        RetentionModule,
      ],
    };
  }
}
