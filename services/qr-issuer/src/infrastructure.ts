import type { Provider } from '@nestjs/common';
import { redisProviders, wechatApiProvider } from '@mirror/platform';
import { SERVICE_NAME, type AppConfig } from './config';

/** Clients of the service's dependencies, each registered with readiness. */
export function infrastructure(config: AppConfig): Provider[] {
  return [
    ...redisProviders({ url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX, name: SERVICE_NAME }),
    wechatApiProvider(config),
  ];
}
