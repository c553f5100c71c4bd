import { Module } from '@nestjs/common';
import { ClaimsModule } from '../claims/claims.module';
import { CustomersModule } from '../customers/customers.module';
import { PushModule } from '../push/push.module';
import { RepliesModule } from '../replies/replies.module';
import { ProductScanHandler } from './product-scan.handler';
import { ProductScanService } from './product-scan.service';

/** Product codes scanned with WeChat: recorded for statistics, and joined to a mirror's session when they name one. */
@Module({
  imports: [ClaimsModule, CustomersModule, PushModule, RepliesModule],
  providers: [ProductScanService],
  controllers: [ProductScanHandler],
})
export class ProductsModule {}
