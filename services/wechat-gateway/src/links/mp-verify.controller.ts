import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { LINKS_SETTINGS, type LinksSettings } from './links.settings';

/**
 * WeChat's domain check for the web OAuth domain (网页授权域名): the console asks for
 * `MP_verify_<token>.txt` at the domain root, answering the content it gave (WECHAT_MP_VERIFY_TOKEN/CONTENT).
 */
@Controller()
export class MpVerifyController {
  constructor(@Inject(LINKS_SETTINGS) private readonly settings: LinksSettings) {}

  @Get('MP_verify_:token.txt')
  file(@Param('token') token: string, @Res() res: Response): void {
    const verify = this.settings.mpVerify;
    if (!verify || `MP_verify_${token}.txt` !== verify.fileName) {
      res.status(404).type('text').send('not found');
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.status(200).type('text/plain').send(verify.content);
  }
}
