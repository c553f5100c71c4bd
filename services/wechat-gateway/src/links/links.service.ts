import { Inject, Injectable } from '@nestjs/common';
import { LinkOpenCodes, ReplyCodes, type LinkOpenRequest } from '@mirror/contracts';
import { RequestRefusedError } from '@mirror/nats';
import { LOGGER, MetricsService } from '@mirror/platform';
import { OAUTH_STATE_MAX_LENGTH } from '@mirror/web-auth';
import type { Logger } from 'pino';
import type { Counter } from 'prom-client';
import type { OAuthProblem } from '../oauth/oauth.errors';
import { BindingLinkClient } from './binding-link.client';
import { LINKS_SETTINGS, type LinksSettings } from './links.settings';

/** Where a link leads now, or why not (the problem page to show). */
export type LinkOutcome = { location: string } | { problem: OAuthProblem; status: number };

const LINK = /^[A-Za-z0-9._~-]+$/;

/**
 * The stable photo links in replies and pushed messages. binding verifies the link and mints what is
 * short-lived (an OAuth state, a signed thumbnail URL); the gateway only refuses what cannot be a link and
 * redirects.
 */
@Injectable()
export class LinksService {
  private readonly opened: Counter;

  constructor(
    @Inject(LINKS_SETTINGS) private readonly settings: LinksSettings,
    private readonly binding: BindingLinkClient,
    @Inject(LOGGER) private readonly logger: Logger,
    metrics: MetricsService,
  ) {
    this.opened = metrics.counter(
      'wechat_links_opened_total',
      'Stable photo links opened, by target and outcome',
      ['target', 'outcome'],
    );
  }

  async open(link: string, target: LinkOpenRequest['target']): Promise<LinkOutcome> {
    const outcome = await this.resolve(link, target);
    this.opened.inc({ target, outcome: 'location' in outcome ? 'redirected' : outcome.problem });
    return outcome;
  }

  private async resolve(link: string, target: LinkOpenRequest['target']): Promise<LinkOutcome> {
    if (link.length > OAUTH_STATE_MAX_LENGTH || !LINK.test(link)) {
      return { problem: 'state-forged', status: 403 };
    }
    try {
      return await this.binding.open(link, target, this.settings.openTimeoutMs);
    } catch (e) {
      if (e instanceof RequestRefusedError) {
        if (e.code === LinkOpenCodes.expired) return { problem: 'link-expired', status: 410 };
        if (e.code === LinkOpenCodes.forged) {
          this.logger.warn({ target }, 'photo link refused: not one we issued');
          return { problem: 'state-forged', status: 403 };
        }
        if (e.code === ReplyCodes.notFound) return { problem: 'unknown-session', status: 404 };
      }
      this.logger.warn({ err: e, target }, 'binding did not say where a photo link leads');
      return { problem: 'unavailable', status: 503 };
    }
  }
}
