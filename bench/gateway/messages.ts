import { buildXml, CallbackSigner, type SignedRequest } from '@mirror/wechat';

export type { SignedRequest };

export interface Credentials {
  token: string;
  appId: string;
  encodingAesKey: string;
  accountId: string;
}

/** What the callbacks are: QR-code scans (binding is asked for a passive reply) or location reports. */
export type CallbackKind = 'scan' | 'location';

/**
 * `count` distinct QR-scan callbacks (each its own scene, timestamp and nonce, so neither the replay guard
 * nor de-duplication can short-cut them), signed, and encrypted in safe mode, exactly as WeChat sends them.
 */
export function signedScans(
  count: number,
  mode: 'plain' | 'safe',
  creds: Credentials,
  tag: string,
  kind: CallbackKind = 'scan',
): SignedRequest[] {
  const signer = new CallbackSigner(creds);
  const timestamp = signer.now();
  const out: SignedRequest[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const xml = buildXml(
      kind === 'scan'
        ? {
            ToUserName: creds.accountId,
            FromUserName: `oBench${String(i % 5000).padStart(8, '0')}`,
            CreateTime: Number(timestamp),
            MsgType: 'event',
            Event: 'SCAN',
            EventKey: `${tag}-${i}`,
            Ticket: 'gQH47joAAAAAAAAAASxodHRwOi8vd2VpeGluLnFxLmNvbS9xLzAyVGxBV0pFLUVkQ2oxMDAwMHcwM28AAgS+/=',
          }
        : {
            // one report per customer: WeChat's de-duplication key for events is user + time + event
            ToUserName: creds.accountId,
            FromUserName: `o${tag}${String(i).padStart(8, '0')}`,
            CreateTime: Number(timestamp),
            MsgType: 'event',
            Event: 'LOCATION',
            Latitude: (31.2 + (i % 1000) / 10000).toFixed(6),
            Longitude: (121.4 + (i % 997) / 10000).toFixed(6),
            Precision: '65.000000',
          },
    );
    out[i] = signer.request(xml, { mode, timestamp });
  }
  return out;
}
