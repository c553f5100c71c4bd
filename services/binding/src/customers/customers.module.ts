import { Module } from '@nestjs/common';
import { CustomerHandler } from './customer.handler';
import { CustomerService } from './customer.service';

@Module({ providers: [CustomerService, CustomerHandler] })
export class CustomersModule {}
