import type { PhotoStored } from '@mirror/contracts';
import { ManualClock } from '@mirror/platform';
import { testLogger } from '@mirror/testing';
import { PhotoAccessService, PhotoNotFoundError } from '../../src/photos/photo-access.service';
import { PhotoBucketRepository } from '../../src/photos/photo-bucket.repository';
import type { PhotoEventsPublisher } from '../../src/photos/photo-events.publisher';
import type { PhotoIndexRepository, PhotoRecord } from '../../src/photos/photo-index.repository';
import { photoKeys } from '../../src/photos/photo-keys';
import { s3Client } from '../../src/storage/s3.client';
import { verifyPresignedGet } from '../support/sigv4';

const SECRET = 'a-long-secret-key-for-the-test-0123456789';
const credentials = { S3_ACCESS_KEY: 'PHOTOSTORE', S3_SECRET_KEY: SECRET, S3_REGION: 'cn-east-1' };
const NOW = new Date('2025-06-01T10:00:00.000Z');

const stored: PhotoStored = {
  v: 1,
  photoId: '01JZZPHOTO0000000000000001',
  mirrorId: 'shop-7',
  takenAt: '2025-06-01T09:59:58.000Z',
  sha256: 'a'.repeat(64),
  width: 3000,
  height: 4000,
  bytes: 1234,
  contentType: 'image/jpeg',
  keys: photoKeys(
    { mirrorId: 'shop-7', photoId: '01JZZPHOTO0000000000000001', takenAt: '2025-06-01T09:59:58Z' },
    'jpg',
  ),
};

function makeSut(record: PhotoRecord | null, publicUrl = 'https://photos.example.com') {
  // the internal client points nowhere: signing must not need the network
  const internal = s3Client('S3_ENDPOINT', 'http://127.0.0.1:1', credentials);
  const signer = s3Client('S3_PUBLIC_URL', publicUrl, credentials);
  const bucket = new PhotoBucketRepository(
    internal,
    signer,
    {
      bucket: 'mirror-photos',
      region: 'cn-east-1',
      concurrency: 1,
      ackWaitMs: 1000,
      dedupWindowSeconds: 60,
      kvReplicas: 1,
    },
    testLogger(),
  );
  const index = { get: async () => record } as unknown as PhotoIndexRepository;
  const clock = new ManualClock(NOW.getTime());
  return new PhotoAccessService(index, bucket, {} as PhotoEventsPublisher, clock, testLogger());
}

describe(PhotoAccessService.name, () => {
  describe('url', () => {
    const live: PhotoRecord = { v: 1, stored, announced: true };

    it('signs a GET of the variant for the public endpoint', async () => {
      const sut = makeSut(live);
      const { url } = await sut.url({ v: 1, photoId: stored.photoId, variant: 'thumb', ttlSeconds: 60 });
      const u = new URL(url);
      expect(u.origin).toBe('https://photos.example.com');
      expect(decodeURIComponent(u.pathname)).toBe(`/mirror-photos/${stored.keys.thumb}`);
      expect(u.searchParams.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
      expect(u.searchParams.get('X-Amz-Credential')).toBe('PHOTOSTORE/20250601/cn-east-1/s3/aws4_request');
      expect(u.searchParams.get('X-Amz-Date')).toBe('20250601T100000Z');
      expect(u.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    });

    it('carries a valid signature over the public host', async () => {
      const { url } = await makeSut(live, 'http://localhost:9000').url({
        v: 1,
        photoId: stored.photoId,
        variant: 'display',
        ttlSeconds: 300,
      });
      expect(new URL(url).host).toBe('localhost:9000');
      const check = verifyPresignedGet(url, SECRET);
      expect(check.given).toBe(check.expected);
      expect(check.valid).toBe(true);
    });

    it('produces a signature that fails with another secret or another host (the check can fail)', async () => {
      const { url } = await makeSut(live).url({
        v: 1,
        photoId: stored.photoId,
        variant: 'display',
        ttlSeconds: 300,
      });
      expect(verifyPresignedGet(url, SECRET + 'x').valid).toBe(false);
      expect(verifyPresignedGet(url.replace('photos.example.com', 'evil.example.com'), SECRET).valid).toBe(
        false,
      );
    });

    it.each([
      [1, 1],
      [300, 300],
      [900, 900],
      [901, 900],
      [86400, 900],
    ])('asked for %i s, signs for %i s and says when it expires', async (asked, granted) => {
      const sut = makeSut(live);
      const answer = await sut.url({ v: 1, photoId: stored.photoId, variant: 'original', ttlSeconds: asked });
      expect(Number(new URL(answer.url).searchParams.get('X-Amz-Expires'))).toBe(granted);
      expect(answer.expiresAt).toBe(new Date(NOW.getTime() + granted * 1000).toISOString());
      expect(verifyPresignedGet(answer.url, SECRET).valid).toBe(true);
    });

    it('knows no photo that was never stored', async () => {
      await expect(
        makeSut(null).url({ v: 1, photoId: 'nope', variant: 'display', ttlSeconds: 60 }),
      ).rejects.toBeInstanceOf(PhotoNotFoundError);
    });

    it('knows no photo that was deleted', async () => {
      const tombstone: PhotoRecord = { ...live, deletedAt: NOW.toISOString() };
      await expect(
        makeSut(tombstone).url({ v: 1, photoId: stored.photoId, variant: 'display', ttlSeconds: 60 }),
      ).rejects.toBeInstanceOf(PhotoNotFoundError);
    });
  });
});
