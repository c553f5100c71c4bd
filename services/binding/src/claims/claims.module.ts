import { Module } from '@nestjs/common';
import { SessionsModule } from '../sessions/sessions.module';
import { ClaimHandler } from './claim.handler';
import { ClaimRepository } from './claim.repository';
import { ClaimService } from './claim.service';

/** Scans, QR scenes and the claims they make; the replies build on it. */
@Module({
  imports: [SessionsModule],
  providers: [ClaimRepository, ClaimService],
  controllers: [ClaimHandler],
  exports: [ClaimService, ClaimRepository],
})
export class ClaimsModule {}
