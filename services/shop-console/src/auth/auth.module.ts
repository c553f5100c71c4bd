import { Module } from '@nestjs/common';
import { StaffModule } from '../staff/staff.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { LoginLimiterRepository } from './login-limiter.repository';
import { Scope } from './scope';
import { SessionRepository } from './session.repository';
import { StaffGuard } from './staff.guard';

/** Staff sign-in, sessions, CSRF, and the scope of what each member may see. */
@Module({
  imports: [StaffModule],
  providers: [AuthService, SessionRepository, LoginLimiterRepository, StaffGuard, Scope],
  controllers: [AuthController],
  exports: [AuthService, StaffGuard, Scope],
})
export class AuthModule {}
