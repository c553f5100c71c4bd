import { Module } from '@nestjs/common';
import { ClaimsModule } from '../claims/claims.module';
import { SessionHandler } from './session.handler';
import { SessionService } from './session.service';

@Module({ imports: [ClaimsModule], providers: [SessionService, SessionHandler] })
export class SessionsModule {}
