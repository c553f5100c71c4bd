import { Injectable } from '@nestjs/common';
import { mirrorOfScene, type ProductScanned } from '@mirror/contracts';
import { ClaimService } from '../claims/claim.service';
import { CustomerRepository } from '../customers/customer.repository';
import { UnitOfWork } from '../database/unit-of-work';
import { PushService } from '../push/push.service';
import { ReplyComposer } from '../replies/reply.composer';
import { readProductExtInfo } from './product-ext-info';

/**
 * Product codes scanned with WeChat (`wechat.product.scanned`). Every one is recorded for statistics, with
 * the store it belongs to when determinable. One whose ExtInfo names a mirror (`m:<mirrorId>`) or a known
 * session's scene then goes the way of a scan of that scene: the same claim rule, the same reply — pushed as
 * a customer-service message, since the gateway gives WeChat no passive reply for product events.
 */
@Injectable()
export class ProductScanService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly customers: CustomerRepository,
    private readonly claims: ClaimService,
    private readonly composer: ReplyComposer,
    private readonly push: PushService,
  ) {}

  /** Records the scan once per event id; a scene it carries is scanned (idempotently) and answered once. */
  async scanned(event: ProductScanned): Promise<void> {
    const at = new Date(event.at);
    const ext = readProductExtInfo(event.extInfo);
    const scene = await this.joinable(ext.scene);
    const newFollower = event.event === 'subscribe';
    await this.uow.transaction(async () => {
      await this.customers.touch({ openid: event.openid, at, interaction: true });
      await this.customers.insertProductScan({
        eventId: event.eventId,
        openid: event.openid,
        event: event.event.slice(0, 64),
        keyStandard: event.keyStandard,
        keyStr: event.keyStr,
        extInfo: event.extInfo ?? null,
        scene,
        mirrorId: scene ? mirrorOfScene(scene) : null,
        storeId: scene ? null : ext.storeId,
        newFollower,
        at,
      });
    });
    if (!scene) return;
    const scan = await this.claims.recordScan({
      eventId: event.eventId,
      openid: event.openid,
      scene,
      newFollower,
      at,
      viaProduct: true,
    });
    await this.push.push(event.eventId, event.openid, await this.composer.forScan(scan));
  }

  /** A mirror's scene, or a session's scene binding knows; an unknown one is not waited for (it names nothing). */
  private async joinable(scene: string | null): Promise<string | null> {
    if (scene === null) return null;
    if (mirrorOfScene(scene) !== null) return scene;
    return (await this.claims.sceneKnown(scene)) ? scene : null;
  }
}
