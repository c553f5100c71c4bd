import { Controller, Get, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { OAuthCallbackError } from './oauth.errors';
import { renderOAuthProblem } from './oauth.page';
import { OAuthService } from './oauth.service';

/** WeChat's web OAuth comes back here (`redirect_uri`) with `code` and our signed `state`. */
@Controller('oauth')
export class OAuthController {
  constructor(private readonly oauth: OAuthService) {}

  @Get('callback')
  async callback(@Req() req: Request, @Res() res: Response): Promise<void> {
    res.setHeader('Cache-Control', 'no-store');
    // The code and state are in this URL: never hand it to another site as a Referer.
    res.setHeader('Referrer-Policy', 'no-referrer');
    try {
      const result = await this.oauth.signIn({
        code: single(req.query.code),
        state: single(req.query.state),
        cookieHeader: req.headers.cookie,
      });
      if (result.setCookie) res.setHeader('Set-Cookie', result.setCookie);
      res.redirect(302, result.location);
    } catch (e) {
      const problem = e instanceof OAuthCallbackError ? e.problem : 'unavailable';
      res
        .status(e instanceof OAuthCallbackError ? e.status : 503)
        .type('html')
        .send(renderOAuthProblem(problem));
    }
  }
}

function single(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
