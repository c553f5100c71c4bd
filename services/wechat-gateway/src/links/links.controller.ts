import { Controller, Get, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { renderOAuthProblem } from '../oauth/oauth.page';
import { LinksService } from './links.service';

/**
 * `/link/<link>`: the photo page link in replies and pushed messages, into WeChat's OAuth with a fresh
 * state; `/link/<link>/picture`: the news picture, to a fresh signed thumbnail URL.
 */
@Controller('link')
export class LinksController {
  constructor(private readonly links: LinksService) {}

  @Get(':link')
  async page(@Param('link') link: string, @Res() res: Response): Promise<void> {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    const outcome = await this.links.open(link, 'page');
    if ('location' in outcome) return res.redirect(302, outcome.location);
    res.status(outcome.status).type('html').send(renderOAuthProblem(outcome.problem));
  }

  @Get(':link/picture')
  async picture(@Param('link') link: string, @Res() res: Response): Promise<void> {
    // the URL behind it lives minutes: never let a cache keep the redirect longer than that
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    const outcome = await this.links.open(link, 'picture');
    if ('location' in outcome) return res.redirect(302, outcome.location);
    res.status(outcome.status).end();
  }
}
