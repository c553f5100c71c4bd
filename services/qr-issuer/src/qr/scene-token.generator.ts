import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';

/** Random bytes per scene: 128 bits, well above the 96 that make a scene unguessable. */
export const SCENE_TOKEN_BYTES = 16;

/**
 * Scenes of session QR codes. Whoever knows a scene could pose as the customer who scanned it, so a
 * scene is random (not derived from the session id) and URL-safe (base64url: 22 characters of
 * `A-Z a-z 0-9 - _`, inside WeChat's 64-character `scene_str` limit).
 */
@Injectable()
export class SceneTokenGenerator {
  /** A fresh scene: 22 URL-safe characters, 128 random bits. */
  next(): string {
    return randomBytes(SCENE_TOKEN_BYTES).toString('base64url');
  }
}
