import { Inject, Injectable } from '@nestjs/common';
import { ReplyCodes, Requests, type PhotoUrlRequest, type PhotoUrlResponse } from '@mirror/contracts';
import { OnRequest, RefusalError } from '@mirror/nats';
import { z } from 'zod';
import { PhotoAccessService, PhotoNotFoundError } from './photo-access.service';
import { PhotoMetrics } from './photo.metrics';

type PhotoDeleteRequest = z.infer<(typeof Requests.photoDelete)['request']>;

/** `photo.url` and `photo.delete` (request/reply, one replica answers each). */
@Injectable()
export class PhotoRequestsHandler {
  constructor(
    @Inject(PhotoAccessService) private readonly access: PhotoAccessService,
    @Inject(PhotoMetrics) private readonly metrics: PhotoMetrics,
  ) {}

  @OnRequest(Requests.photoUrl)
  async url(request: PhotoUrlRequest): Promise<PhotoUrlResponse> {
    try {
      const answer = await this.access.url(request);
      this.metrics.urlIssued(request.variant);
      return answer;
    } catch (e) {
      if (e instanceof PhotoNotFoundError) throw new RefusalError(ReplyCodes.notFound, e.message, 'photoId');
      throw e;
    }
  }

  @OnRequest(Requests.photoDelete)
  async delete(request: PhotoDeleteRequest): Promise<{ deleted: boolean }> {
    const result = await this.access.delete(request.photoId);
    this.metrics.deleteAnswered(result);
    return { deleted: result === 'deleted' };
  }
}
