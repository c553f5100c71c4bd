import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ReplyCodes, Requests, type PhotoUrlRequest, type PhotoUrlResponse } from '@mirror/contracts';
import { RefusalError } from '@mirror/nats';
import { z } from 'zod';
import { PhotoAccessService, PhotoNotFoundError } from './photo-access.service';
import { PhotoMetrics } from './photo.metrics';

type PhotoDeleteRequest = z.infer<(typeof Requests.photoDelete)['request']>;

/** `photo.url` and `photo.delete` (request/reply, one replica answers each). */
@Controller()
export class PhotoRequestsHandler {
  constructor(
    private readonly access: PhotoAccessService,
    private readonly metrics: PhotoMetrics,
  ) {}

  @MessagePattern(Requests.photoUrl.subject)
  async url(@Payload() request: PhotoUrlRequest): Promise<PhotoUrlResponse> {
    try {
      const answer = await this.access.url(request);
      this.metrics.urlIssued(request.variant);
      return answer;
    } catch (e) {
      if (e instanceof PhotoNotFoundError) throw new RefusalError(ReplyCodes.notFound, e.message, 'photoId');
      throw e;
    }
  }

  @MessagePattern(Requests.photoDelete.subject)
  async delete(@Payload() request: PhotoDeleteRequest): Promise<{ deleted: boolean }> {
    const result = await this.access.delete(request.photoId);
    this.metrics.deleteAnswered(result);
    return { deleted: result === 'deleted' };
  }
}
