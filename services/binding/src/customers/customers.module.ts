import { Module } from '@nestjs/common';
import { CustomerHandler } from './customer.handler';
import { CustomerRepository } from './customer.repository';
import { CustomerService } from './customer.service';

/** WeChat users (following, messaging windows) and their product scans. */
@Module({
  providers: [CustomerRepository, CustomerService],
  controllers: [CustomerHandler],
  exports: [CustomerRepository],
})
export class CustomersModule {}
