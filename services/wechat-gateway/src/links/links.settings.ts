import type { AppConfig } from '../config';

export const LINKS_SETTINGS = Symbol('LINKS_SETTINGS');

/** What the stable photo links and the domain-verification file need. */
export interface LinksSettings {
  /** How long binding may take to say where a link leads now. */
  openTimeoutMs: number;
  /** `MP_verify_<token>.txt` and what it answers; null when not configured. */
  mpVerify: { fileName: string; content: string } | null;
}

/** The links part of the environment. */
export function linksSettings(
  config: Pick<AppConfig, 'LINK_OPEN_TIMEOUT_MS' | 'WECHAT_MP_VERIFY_TOKEN' | 'WECHAT_MP_VERIFY_CONTENT'>,
): LinksSettings {
  const token = config.WECHAT_MP_VERIFY_TOKEN;
  return {
    openTimeoutMs: config.LINK_OPEN_TIMEOUT_MS,
    mpVerify: token
      ? { fileName: `MP_verify_${token}.txt`, content: config.WECHAT_MP_VERIFY_CONTENT ?? token }
      : null,
  };
}
