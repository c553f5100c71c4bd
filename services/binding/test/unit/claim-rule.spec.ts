import { decideScan, type SceneState } from '../../src/claims/claim-rule';

const SCANNED_AT = new Date('2026-11-23T12:00:00Z');
const scan = { openid: 'oAlice', scannedAt: SCANNED_AT };
const live = (boundTo: string | null): SceneState => ({
  expiresAt: new Date(SCANNED_AT.getTime() + 60_000),
  boundTo,
});
const expired = (boundTo: string | null): SceneState => ({
  expiresAt: new Date(SCANNED_AT.getTime() - 1),
  boundTo,
});

describe(decideScan.name, () => {
  it('leaves a scan of a scene not known yet pending', () => {
    expect(decideScan(scan, null)).toBe('pending');
  });

  it('lets the first scanner of a live code claim its session', () => {
    expect(decideScan(scan, live(null))).toBe('claimed');
  });

  it('still claims at the very instant the code expires', () => {
    expect(decideScan(scan, { expiresAt: SCANNED_AT, boundTo: null })).toBe('claimed');
  });

  it('answers own to the holder and other to anyone else, expired code or not', () => {
    for (const scene of [live, expired]) {
      expect(decideScan(scan, scene('oAlice'))).toBe('own');
      expect(decideScan(scan, scene('oMallory'))).toBe('other');
    }
  });

  it('claims nothing with an expired code nobody claimed', () => {
    expect(decideScan(scan, expired(null))).toBe('expired');
  });
});
