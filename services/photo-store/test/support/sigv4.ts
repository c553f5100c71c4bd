import { createHash, createHmac } from 'node:crypto';

/**
 * An independent check of an S3 presigned GET (AWS Signature Version 4, query-string form), written from
 * AWS's specification rather than taken from the `minio` client, so the test does not grade its own work.
 * The local S3 stand-in accepts any V4 signature; this is where signatures are actually verified.
 */
export function verifyPresignedGet(
  rawUrl: string,
  secretKey: string,
): { valid: boolean; expected: string; given: string } {
  const url = new URL(rawUrl);
  const q = url.searchParams;
  const given = q.get('X-Amz-Signature') ?? '';
  const [, date, region, service] = (q.get('X-Amz-Credential') ?? '').split('/');
  const enc = (s: string) =>
    encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const canonicalQuery = [...q.entries()]
    .filter(([k]) => k !== 'X-Amz-Signature')
    .map(([k, v]) => `${enc(k)}=${enc(v)}`)
    .sort()
    .join('&');
  const canonicalUri = url.pathname; // already percent-encoded, segment by segment
  const signedHeaders = q.get('X-Amz-SignedHeaders') ?? '';
  if (signedHeaders !== 'host') return { valid: false, expected: '(only host is supported)', given };
  const canonicalRequest = [
    'GET',
    canonicalUri,
    canonicalQuery,
    `host:${url.host}\n`,
    signedHeaders,
    'UNSIGNED-PAYLOAD',
  ].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    q.get('X-Amz-Date'),
    scope,
    createHash('sha256').update(canonicalRequest).digest('hex'),
  ].join('\n');
  const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${secretKey}`, date), region), service), 'aws4_request');
  const expected = createHmac('sha256', signingKey).update(stringToSign).digest('hex');
  return { valid: expected === given, expected, given };
}
