import sharp from 'sharp';
import { changedPixels, isNearDuplicate } from '../../src/detection/frame-difference';
import { decodeFrame, UndecodableFrameError } from '../../src/detection/frame-decoder';
import { regionAroundLandmarks, regionTransform } from '../../src/detection/geometry';
import { HANDS, handLandmarks } from '../support/hand-factory';

const size = { maxWidth: 640, maxHeight: 480, thumbWidth: 80, thumbHeight: 60 };

describe('decodeFrame', () => {
  it('shrinks a large JPEG to the working size and makes a grey thumbnail', async () => {
    const jpeg = await sharp({ create: { width: 1280, height: 960, channels: 3, background: '#336699' } })
      .jpeg()
      .toBuffer();
    const sut = await decodeFrame(jpeg, size);
    expect([sut.width, sut.height, sut.rgb.length, sut.thumb.length]).toEqual([
      640,
      480,
      640 * 480 * 3,
      80 * 60,
    ]);
  });

  it.each([
    ['random bytes', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256))],
    [
      'a truncated JPEG',
      Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70, 73, 70, 0, 1, 1, 0, 0, 1, 0, 1]),
    ],
    ['nothing', Buffer.alloc(0)],
    ['text', Buffer.from('{"hello":"this is not an image at all"}')],
  ])('refuses %s with UndecodableFrameError', async (_name, bytes) => {
    await expect(decodeFrame(bytes, size)).rejects.toBeInstanceOf(UndecodableFrameError);
  });
});

describe('isNearDuplicate', () => {
  const base = new Uint8Array(4800).fill(100);

  it('treats sensor-noise-sized changes as the same frame', () => {
    const noisy = base.map((v, i) => v + ((i * 31) % 9) - 4);
    expect(isNearDuplicate(base, noisy, { pixelDelta: 16, minChangedPixels: 4 })).toBe(true);
  });

  it('notices a small region that really changed (a hand)', () => {
    const moved = base.slice();
    for (let i = 0; i < 25; i++) moved[1000 + i] = 220;
    expect(changedPixels(base, moved, 16)).toBe(25);
    expect(isNearDuplicate(base, moved, { pixelDelta: 16, minChangedPixels: 4 })).toBe(false);
  });

  it('never skips without a previous frame, or when disabled', () => {
    expect(isNearDuplicate(null, base, { pixelDelta: 16, minChangedPixels: 4 })).toBe(false);
    expect(isNearDuplicate(base, base, { pixelDelta: 16, minChangedPixels: 0 })).toBe(false);
  });
});

describe('regionTransform', () => {
  it('maps the crop so the hand points up in it, and back to the frame', () => {
    const landmarks = handLandmarks({ ...HANDS.openPalm, rotation: 90, center: { x: 300, y: 200 } });
    const region = regionAroundLandmarks(landmarks, 1.8);
    const { toFrame } = regionTransform(region, 224);
    // The crop's top-centre lies beyond the fingertips: to the right of the hand, which points right.
    const [x, y] = toFrame(112, 0);
    expect(x).toBeGreaterThan(region.cx + region.size / 3);
    expect(Math.abs(y - region.cy)).toBeLessThan(region.size * 0.1);
    const [cx, cy] = toFrame(112, 112);
    expect([cx, cy]).toEqual([expect.closeTo(region.cx, 6), expect.closeTo(region.cy, 6)]);
  });
});
