import { CallbackSigner as WeChatCallbackSigner } from '@mirror/wechat';

export type { CallbackMode as SignMode, SignOptions, SignedCallback } from '@mirror/wechat';

/** The shared callback signer with the gateway tests' account id. */
export class CallbackSigner extends WeChatCallbackSigner {
  constructor(token: string, appId: string, aesKey: string | null, accountId = 'gh_gatewaytest01') {
    super({ token, appId, encodingAesKey: aesKey, accountId });
  }
}
