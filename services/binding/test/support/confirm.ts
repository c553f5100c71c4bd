import { Requests } from '@mirror/contracts';
import { signOAuthState } from '@mirror/web-auth';
import { OAUTH_STATE_SECRET, PUBLIC_BASE_URL, type BindingHarness } from './binding-harness';
import { consent } from './replies';

/**
 * The customer who claimed `scene` confirms through WeChat's OAuth, as the link binding sent leads them to:
 * WeChat's authorize page (the sandbox) with a state binding signed for the scene, then the gateway asks
 * binding to confirm the code it got back.
 */
export async function confirmAs(h: BindingHarness, scene: string, openid: string) {
  const state = signOAuthState({ scene, ttlSeconds: 600, secret: OAUTH_STATE_SECRET });
  const authorize = new URL(`${h.sandbox.url}/connect/oauth2/authorize`);
  authorize.searchParams.set('appid', h.sandbox.appId);
  authorize.searchParams.set('redirect_uri', `${PUBLIC_BASE_URL}/oauth/callback`);
  authorize.searchParams.set('response_type', 'code');
  authorize.searchParams.set('scope', 'snsapi_base');
  authorize.searchParams.set('state', state);
  const { code, state: returned } = await consent(`${authorize.toString()}#wechat_redirect`, openid);
  return h.bus.request(Requests.oauthConfirm, { code, state: returned });
}
