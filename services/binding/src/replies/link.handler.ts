import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Requests, type LinkOpenRequest } from '@mirror/contracts';
import { LinkService } from './link.service';

/** `binding.link.open {link, target}` from the gateway's `/link/<link>` routes. */
@Controller()
export class LinkHandler {
  constructor(private readonly links: LinkService) {}

  @MessagePattern(Requests.linkOpen.subject)
  async open(@Payload() request: LinkOpenRequest): Promise<{ location: string }> {
    return this.links.open(request);
  }
}
