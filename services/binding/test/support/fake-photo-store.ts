import { Requests, type PhotoVariant } from '@mirror/contracts';
import { RefusalError, type NatsClient } from '@mirror/nats';
import type { Subscription } from '@nats-io/transport-node';

/** photo-store's request/reply side, faked on NATS: signed-looking URLs and recorded deletions. */
export class FakePhotoStore {
  readonly urlRequests: { photoId: string; variant: PhotoVariant; ttlSeconds: number }[] = [];
  readonly deleted: string[] = [];
  /** How long `photo.url` takes to answer. */
  urlDelayMs = 0;
  /** Photos photo-store says it does not have. */
  readonly missing = new Set<string>();
  private subscriptions: Subscription[] = [];

  constructor(private readonly bus: NatsClient) {}

  static url(photoId: string, variant: PhotoVariant): string {
    return `https://photos.example.com/${photoId}/${variant}.jpg?X-Amz-Expires=600&X-Amz-Signature=fake${variant}`;
  }

  start(): this {
    this.subscriptions = [
      this.bus.serve(Requests.photoUrl, async (request) => {
        this.urlRequests.push(request);
        if (this.urlDelayMs) await new Promise((r) => setTimeout(r, this.urlDelayMs));
        if (this.missing.has(request.photoId)) throw new RefusalError('NOT_FOUND', 'no such photo');
        return {
          url: FakePhotoStore.url(request.photoId, request.variant),
          expiresAt: new Date(Date.now() + request.ttlSeconds * 1000).toISOString(),
        };
      }),
      this.bus.serve(Requests.photoDelete, async (request) => {
        this.deleted.push(request.photoId);
        return { deleted: true };
      }),
    ];
    return this;
  }

  /** photo-store is down: nobody answers. */
  async stop(): Promise<void> {
    await Promise.all(this.subscriptions.map((s) => s.drain()));
    this.subscriptions = [];
  }
}
