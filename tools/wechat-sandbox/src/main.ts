import { ConfigError } from '@mirror/config';
import { startSandbox } from './sandbox';
import { sandboxOptionsFromEnv } from './sandbox.config';

async function main(): Promise<void> {
  const options = sandboxOptionsFromEnv();
  const sandbox = await startSandbox(options);
  // One JSON line, like the services' logs; no secrets.
  console.log(
    JSON.stringify({
      level: 'info',
      msg: 'wechat sandbox listening',
      url: sandbox.url,
      appId: sandbox.appId,
      accountId: sandbox.accountId,
      callbackUrl: options.callbackUrl,
      safeMode: Boolean(options.encodingAesKey),
    }),
  );
  const stop = (): void => {
    void sandbox.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
