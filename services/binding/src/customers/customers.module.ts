import { Module } from '@nestjs/common';
import { CustomerHandler } from './customer.handler';
import { CustomerRepository } from './customer.repository';
import { CustomerService } from './customer.service';

/** WeChat users (following, unfollows, messaging windows); product scans are recorded through it. */
@Module({
  providers: [CustomerRepository, CustomerService],
  controllers: [CustomerHandler],
  exports: [CustomerRepository],
})
export class CustomersModule {}
