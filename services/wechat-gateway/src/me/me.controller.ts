import { Controller, Delete, Get, Param, Put, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { renderGallery, renderMessage } from './me.page';
import { MeService, NotSignedInError } from './me.service';

/**
 * The customer's photo page (`/me`), reached after WeChat OAuth set the customer cookie. Mobile-first,
 * for WeChat's in-app browser; every picture is a short-lived signed URL, nothing is visible without the cookie.
 */
@Controller('me')
export class MeController {
  constructor(private readonly me: MeService) {}

  @Get()
  async page(@Req() req: Request, @Res() res: Response): Promise<void> {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    try {
      const openid = this.me.customer(req.headers.cookie);
      res.type('html').send(renderGallery(await this.me.gallery(openid)));
    } catch (e) {
      if (e instanceof NotSignedInError) {
        res
          .status(401)
          .type('html')
          .send(
            renderMessage('请从微信打开', '请在微信中扫描试衣镜上的二维码，点开收到的照片链接查看您的照片。'),
          );
      } else {
        res
          .status(503)
          .type('html')
          .send(renderMessage('暂时无法打开', '照片服务暂时不可用，请稍后刷新重试。'));
      }
    }
  }

  /** Stars a photo (PUT) or takes its star away (DELETE); called by the page's script like delete. */
  @Put('photos/:photoId/favourite')
  async favourite(
    @Req() req: Request,
    @Res() res: Response,
    @Param('photoId') photoId: string,
  ): Promise<void> {
    await this.setFavourite(req, res, photoId, true);
  }

  @Delete('photos/:photoId/favourite')
  async unfavourite(
    @Req() req: Request,
    @Res() res: Response,
    @Param('photoId') photoId: string,
  ): Promise<void> {
    await this.setFavourite(req, res, photoId, false);
  }

  private async setFavourite(
    req: Request,
    res: Response,
    photoId: string,
    favourite: boolean,
  ): Promise<void> {
    res.setHeader('Cache-Control', 'no-store');
    if (req.header('x-requested-with') !== 'fetch') {
      res.status(400).json({ error: 'missing x-requested-with header' });
      return;
    }
    try {
      const openid = this.me.customer(req.headers.cookie);
      const done = await this.me.setFavourite(openid, photoId, favourite);
      res.status(done ? 200 : 404).json(done ? { favourite } : { error: 'no such photo' });
    } catch (e) {
      if (e instanceof NotSignedInError) res.status(401).json({ error: 'not signed in' });
      else res.status(503).json({ error: 'photo service unavailable, try again' });
    }
  }

  /** Called by the page's script; SameSite=Lax cookie plus a custom header keep other sites out. */
  @Delete('photos/:photoId')
  async delete(@Req() req: Request, @Res() res: Response, @Param('photoId') photoId: string): Promise<void> {
    res.setHeader('Cache-Control', 'no-store');
    if (req.header('x-requested-with') !== 'fetch') {
      res.status(400).json({ error: 'missing x-requested-with header' });
      return;
    }
    try {
      const openid = this.me.customer(req.headers.cookie);
      const deleted = await this.me.deletePhoto(openid, photoId);
      res.status(deleted ? 200 : 404).json({ deleted });
    } catch (e) {
      if (e instanceof NotSignedInError) res.status(401).json({ error: 'not signed in' });
      else res.status(503).json({ error: 'photo service unavailable, try again' });
    }
  }
}
