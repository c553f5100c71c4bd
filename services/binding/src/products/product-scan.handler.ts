import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Events, type ProductScanned } from '@mirror/contracts';
import { ProductScanService } from './product-scan.service';

/** Durable consumer of the gateway's product scans; acks after the scan (and any claim) is committed. */
@Controller()
export class ProductScanHandler {
  constructor(private readonly products: ProductScanService) {}

  @EventPattern(Events.productScanned.subject, { durable: 'binding-product-scanned' })
  async scanned(@Payload() event: ProductScanned): Promise<void> {
    await this.products.scanned(event);
  }
}
