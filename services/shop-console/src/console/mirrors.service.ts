import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '@mirror/platform';
import { BindingClient } from './binding.client';
import { CONSOLE_SETTINGS, type ConsoleSettings } from './console.settings';
import { HeartbeatListener } from './heartbeat.listener';
import { mirrorCodeUrl } from './mirror-code-link';
import type { MirrorView } from './mirror-view';

/** Mirrors as staff see them: binding's record joined with the frames session-vision acknowledges. */
@Injectable()
export class MirrorsService {
  constructor(
    private readonly binding: BindingClient,
    private readonly heartbeats: HeartbeatListener,
    private readonly clock: Clock,
    @Inject(CONSOLE_SETTINGS) private readonly settings: ConsoleSettings,
  ) {}

  /** The mirrors of `storeIds` (all when undefined), or the one `mirrorId` if it is in them. */
  async list(storeIds: string[] | undefined, mirrorId?: string) {
    const { mirrors, stores } = await this.binding.mirrors({ storeIds, mirrorId });
    const names = new Map(stores.map((s) => [s.storeId, s.name]));
    const now = this.clock.now();
    const views: MirrorView[] = mirrors.map((m) => {
      const heard = this.heartbeats.lastFrame(m.mirrorId);
      const online = heard !== undefined && now - heard.at <= this.settings.onlineWindowMs;
      return {
        mirrorId: m.mirrorId,
        storeId: m.storeId,
        storeName: m.storeId ? (names.get(m.storeId) ?? null) : null,
        registered: m.registeredAt !== null,
        revoked: m.revokedAt !== null,
        online,
        lastFrameAt: heard ? new Date(heard.at).toISOString() : null,
        inSession: m.openSession !== null || (online && heard!.inSession),
        lastPhotoAt: m.lastPhotoAt,
        lastSeenAt: m.lastSeenAt,
        version: this.heartbeats.lastStatus(m.mirrorId)?.version ?? null,
        codeUrls: this.codeUrls(m.mirrorId),
      };
    });
    return { mirrors: views, stores };
  }

  private codeUrls(mirrorId: string) {
    const codes = this.settings.mirrorCodes;
    if (!codes) return null;
    const notAfter = Math.floor(this.clock.now() / 1000) + codes.ttlSeconds;
    return {
      png: mirrorCodeUrl(codes.baseUrl, codes.secret, mirrorId, 'png', notAfter),
      svg: mirrorCodeUrl(codes.baseUrl, codes.secret, mirrorId, 'svg', notAfter),
    };
  }
}
