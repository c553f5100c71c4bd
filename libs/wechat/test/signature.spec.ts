import {
  computeMsgSignature,
  computeSignature,
  createNonce,
  digestsEqual,
  pooledRandomBytes,
  signCallbackQuery,
  verifyMsgSignature,
  verifySignature,
} from '@mirror/wechat';

describe('signature', () => {
  // Published vector: token "test", timestamp 1410685589, nonce "test".
  const vector = { token: 'test', timestamp: '1410685589', nonce: 'test' };
  const expected = 'f21891de399b4e33a1a93c9a7b8a8fffb5a443ff';

  it('computes the published plain signature', () => {
    expect(computeSignature(vector.token, vector.timestamp, vector.nonce)).toBe(expected);
  });

  it('accepts the published signature', () => {
    expect(verifySignature(vector.token, { ...vector, signature: expected })).toBe(true);
  });

  it.each([
    ['a changed digit', expected.replace(/.$/, '0')],
    ['a truncated signature', expected.slice(0, 39)],
    ['an empty signature', ''],
    ['a missing signature', undefined],
  ])('rejects %s', (_label, signature) => {
    expect(verifySignature(vector.token, { ...vector, signature })).toBe(false);
  });

  it('rejects a signature made with another token', () => {
    const forged = computeSignature('other', vector.timestamp, vector.nonce);
    expect(verifySignature(vector.token, { ...vector, signature: forged })).toBe(false);
  });

  it('rejects a query without timestamp or nonce', () => {
    expect(verifySignature(vector.token, { signature: expected, nonce: 'test' })).toBe(false);
    expect(verifySignature(vector.token, { signature: expected, timestamp: vector.timestamp })).toBe(false);
  });

  it('sorts the parts, so their order does not matter', () => {
    expect(computeSignature('b', 'a', 'c')).toBe(computeSignature('c', 'b', 'a'));
  });

  it('signs msg_signature over token, timestamp, nonce and Encrypt', () => {
    const sut = computeMsgSignature('pamtest', '1409304348', 'xxxxxx', 'ENCRYPTED');
    expect(verifyMsgSignature('pamtest', '1409304348', 'xxxxxx', 'ENCRYPTED', sut)).toBe(true);
    expect(verifyMsgSignature('pamtest', '1409304348', 'xxxxxx', 'ENCRYPTEX', sut)).toBe(false);
    expect(sut).not.toBe(computeSignature('pamtest', '1409304348', 'xxxxxx'));
  });

  it('produces query parameters a verifier accepts', () => {
    const query = signCallbackQuery('tok3n');
    expect(verifySignature('tok3n', query)).toBe(true);
  });

  it('compares digests of different length as unequal', () => {
    expect(digestsEqual('abc', 'abcd')).toBe(false);
    expect(digestsEqual('abc', null)).toBe(false);
  });

  it('creates nonces of the requested length from letters and digits', () => {
    const nonce = createNonce(24);
    expect(nonce).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(createNonce(24)).not.toBe(nonce);
  });
});

describe('pooledRandomBytes', () => {
  it('hands out fresh bytes of the size asked, across pool refills and for large sizes', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 600; i++) {
      const b = pooledRandomBytes(16);
      expect(b).toHaveLength(16);
      seen.add(b.toString('hex'));
    }
    expect(seen.size).toBe(600);
    expect(pooledRandomBytes(5000)).toHaveLength(5000);
  });

  it('gives every caller its own copy', () => {
    const a = pooledRandomBytes(8);
    const copy = Buffer.from(a);
    a.fill(0);
    expect(pooledRandomBytes(8).equals(copy)).toBe(false);
  });
});
