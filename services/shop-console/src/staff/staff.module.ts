import { Module } from '@nestjs/common';
import { PasswordHasher } from './password.hasher';
import { StaffRepository } from './staff.repository';
import { StaffService } from './staff.service';

/** Staff accounts and their passwords. */
@Module({
  providers: [StaffRepository, PasswordHasher, StaffService],
  exports: [StaffService],
})
export class StaffModule {}
