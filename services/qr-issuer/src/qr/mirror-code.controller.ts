import {
  BadRequestException,
  Controller,
  ForbiddenException,
  Get,
  Param,
  Query,
  Res,
  ServiceUnavailableException,
} from '@nestjs/common';
import type { Response } from 'express';
import {
  TokenRefreshTimeoutError,
  TokenStoreUnavailableError,
  WeChatApiError,
  WeChatTransportError,
} from '@mirror/wechat';
import { PermanentQrService } from './permanent-qr.service';
import { PRINT_SIZE, QR_IMAGE_CONTENT_TYPES } from './qr-image.renderer';
import { MalformedMirrorCodePathError, QrImageRefusedError, QrStoreUnavailableError } from './qr.errors';

const FILE = /^([a-z0-9-]{1,62})\.(png|svg)$/;
const SIZE = /^[0-9]{1,4}$/;
// The code never changes; the link it came through expires.
const MAX_CACHE_SECONDS = 300;

/**
 * `GET /qr/mirrors/<mirrorId>.png|svg?exp=…&sig=…[&size=<px>]`: a mirror's permanent code to print on its
 * frame, behind a signed link (the `images` of a `qr.issue` reply for the mirror's scene). Served as a download.
 */
@Controller('qr/mirrors')
export class MirrorCodeController {
  constructor(private readonly codes: PermanentQrService) {}

  @Get(':file')
  async get(
    @Param('file') file: string,
    @Query('exp') exp: unknown,
    @Query('sig') sig: unknown,
    @Query('size') size: unknown,
    @Res() res: Response,
  ): Promise<void> {
    try {
      const m = FILE.exec(file);
      if (!m) throw new MalformedMirrorCodePathError(file);
      const [, mirrorId, format] = m as unknown as [string, string, 'png' | 'svg'];
      const image = await this.codes.mirrorCodeImage(mirrorId, format, { exp, sig }, printSize(file, size));
      res.setHeader('Content-Type', QR_IMAGE_CONTENT_TYPES[format]);
      res.setHeader('Content-Disposition', `attachment; filename="mirror-${mirrorId}.${format}"`);
      res.setHeader('Cache-Control', `private, max-age=${MAX_CACHE_SECONDS}`);
      res.send(image);
    } catch (error) {
      throw httpError(error);
    }
  }
}

/** `size` in pixels, PRINT_SIZE.min–max; the default when absent. */
function printSize(file: string, size: unknown): number {
  if (size === undefined || size === '') return PRINT_SIZE.default;
  const px = typeof size === 'string' && SIZE.test(size) ? Number(size) : NaN;
  if (!(px >= PRINT_SIZE.min && px <= PRINT_SIZE.max)) throw new MalformedMirrorCodePathError(file);
  return px;
}

function httpError(error: unknown): unknown {
  if (error instanceof MalformedMirrorCodePathError) return new BadRequestException(error.message);
  if (error instanceof QrImageRefusedError) return new ForbiddenException(error.message);
  if (
    error instanceof QrStoreUnavailableError ||
    error instanceof WeChatApiError ||
    error instanceof WeChatTransportError ||
    error instanceof TokenStoreUnavailableError ||
    error instanceof TokenRefreshTimeoutError
  ) {
    return new ServiceUnavailableException(error.message);
  }
  return error;
}
