import type { AppConfig } from '../config';

export const QR_SETTINGS = Symbol('QR_SETTINGS');

/** What the QR feature needs from the environment. */
export interface QrSettings {
  /** QR_EXPIRE_SECONDS: session codes, and `qr.issue` of a temporary kind that names no expiry. */
  expireSeconds: number;
  /** QR_IMAGE_BASE_URL: this service's HTTP port as mirrors reach it; unset → no `imageUrl` on the display. */
  imageBaseUrl?: string;
  /** QR_IMAGE_SIGNING_SECRET: the HMAC key of image URLs; unset → every image request is refused. */
  imageSigningSecret?: string;
  /** QR_IMAGE_URL_TTL_SECONDS: how long a signed image URL stays valid (never past the code's expiry). */
  imageUrlTtlSeconds: number;
}

/** The QR part of the environment. */
export function qrSettings(
  config: Pick<
    AppConfig,
    'QR_EXPIRE_SECONDS' | 'QR_IMAGE_BASE_URL' | 'QR_IMAGE_SIGNING_SECRET' | 'QR_IMAGE_URL_TTL_SECONDS'
  >,
): QrSettings {
  return {
    expireSeconds: config.QR_EXPIRE_SECONDS,
    ...(config.QR_IMAGE_BASE_URL ? { imageBaseUrl: config.QR_IMAGE_BASE_URL } : {}),
    ...(config.QR_IMAGE_SIGNING_SECRET ? { imageSigningSecret: config.QR_IMAGE_SIGNING_SECRET } : {}),
    imageUrlTtlSeconds: config.QR_IMAGE_URL_TTL_SECONDS,
  };
}
