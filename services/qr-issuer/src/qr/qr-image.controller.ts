import {
  BadRequestException,
  Controller,
  ForbiddenException,
  Get,
  GoneException,
  NotFoundException,
  Param,
  Query,
  Res,
  ServiceUnavailableException,
} from '@nestjs/common';
import type { Response } from 'express';
import { QR_IMAGE_CONTENT_TYPES } from './qr-image.renderer';
import {
  MalformedQrPathError,
  QrImageRefusedError,
  QrStoreUnavailableError,
  SessionQrExpiredError,
  SessionQrNotFoundError,
} from './qr.errors';
import { QrService } from './qr.service';

const FILE = /^([^.]+)\.(png|svg|json)$/;
// Browsers and screens may cache an image briefly; it never changes, but it does expire.
const MAX_CACHE_SECONDS = 300;

/**
 * `GET /qr/<sessionId>.png|svg?exp=…&sig=…` for mirror screens (the signed `imageUrl` of their display
 * message); `.json` gives the URLs and expiry, behind a link signed for `json`.
 */
@Controller('qr')
export class QrImageController {
  constructor(private readonly qr: QrService) {}

  @Get(':file')
  async get(
    @Param('file') file: string,
    @Query('exp') exp: unknown,
    @Query('sig') sig: unknown,
    @Res() res: Response,
  ): Promise<void> {
    try {
      const m = FILE.exec(file);
      if (!m) throw new MalformedQrPathError(file);
      const [, sessionId, format] = m;
      if (format === 'json') {
        res.setHeader('Cache-Control', 'no-store');
        res.json(await this.qr.sessionQr(sessionId, { exp, sig }));
        return;
      }
      const { image, secondsLeft } = await this.qr.sessionImage(sessionId, format as 'png' | 'svg', {
        exp,
        sig,
      });
      const maxAge = Math.max(0, Math.min(MAX_CACHE_SECONDS, secondsLeft));
      res.setHeader('Content-Type', QR_IMAGE_CONTENT_TYPES[format as 'png' | 'svg']);
      res.setHeader('Cache-Control', `private, max-age=${maxAge}`);
      res.send(image);
    } catch (error) {
      throw httpError(error);
    }
  }
}

function httpError(error: unknown): unknown {
  if (error instanceof MalformedQrPathError) return new BadRequestException(error.message);
  if (error instanceof QrImageRefusedError) return new ForbiddenException(error.message);
  if (error instanceof SessionQrNotFoundError) return new NotFoundException(error.message);
  if (error instanceof SessionQrExpiredError) return new GoneException(error.message);
  if (error instanceof QrStoreUnavailableError) return new ServiceUnavailableException(error.message);
  return error;
}
