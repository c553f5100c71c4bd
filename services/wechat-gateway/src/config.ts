import {
  env,
  httpShape,
  loadConfig,
  natsShape,
  redisShape,
  wechatCallbackShape,
  publicWebShape,
} from '@mirror/config';

export const SERVICE_NAME = 'wechat-gateway';

export const configShape = {
  ...httpShape,
  ...natsShape,
  ...redisShape,
  ...wechatCallbackShape,
  ...publicWebShape,
  WECHAT_REPLY_BUDGET_MS: env.int(3000, 100, 4500),
  WECHAT_TIMESTAMP_WINDOW_SECONDS: env.int(300, 10, 3600),
};

export type AppConfig = ReturnType<typeof loadAppConfig>;

/** Validates the environment; a missing or bad variable stops the process naming it. */
export function loadAppConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfig(SERVICE_NAME, configShape, source);
}
void env;
