import { Injectable } from '@nestjs/common';
import { Requests, type LinkOpenRequest } from '@mirror/contracts';
import { NatsClient } from '@mirror/nats';

/** Asks binding where a stable photo link leads now (`binding.link.open`). */
@Injectable()
export class BindingLinkClient {
  constructor(private readonly nats: NatsClient) {}

  /** Throws NoRespondersError, RequestTimeoutError or RequestRefusedError (binding said no). */
  open(link: string, target: LinkOpenRequest['target'], timeoutMs: number): Promise<{ location: string }> {
    return this.nats.request(Requests.linkOpen, { v: 1, link, target }, { timeoutMs });
  }
}
