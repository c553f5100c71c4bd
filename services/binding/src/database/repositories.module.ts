import { Global, Module } from '@nestjs/common';
import { ClaimRepository } from '../claims/claim.repository';
import { CustomerRepository } from '../customers/customer.repository';
import { GalleryRepository } from '../gallery/gallery.repository';
import { OAuthRepository } from '../oauth/oauth.repository';
import { PhotoRepository } from '../photos/photo.repository';
import { PushRepository } from '../push/push.repository';
import { SessionRepository } from '../sessions/session.repository';

const repositories = [
  SessionRepository,
  PhotoRepository,
  ClaimRepository,
  CustomerRepository,
  PushRepository,
  OAuthRepository,
  GalleryRepository,
];

/** The Postgres repositories, shared by every feature (one instance each). */
@Global()
@Module({ providers: repositories, exports: repositories })
export class RepositoriesModule {}
