import { Injectable } from '@nestjs/common';
import { isoTime, photoStoredSchema, type PhotoStored } from '@mirror/contracts';
import { z } from 'zod';
import { CorruptIndexError } from './photo.errors';
import { PhotoBucketRepository } from './photo-bucket.repository';
import { indexKey } from './photo-keys';

const recordSchema = z.object({
  v: z.literal(1),
  /** The `photo.stored` payload, keys included: what a redelivery re-announces, byte for byte. */
  stored: photoStoredSchema,
  /** `photo.stored` was published (a redelivery after this publishes nothing). */
  announced: z.boolean(),
  /** Set when deletion starts; the entry stays as a tombstone so a late redelivery cannot resurrect it. */
  deletedAt: isoTime.optional(),
  /** `photo.deleted` was published. */
  deletionAnnounced: z.boolean().optional(),
});

/** photo-store's photoId → keys index entry, one small JSON object per photo in the bucket itself. */
export type PhotoRecord = z.infer<typeof recordSchema>;

/**
 * The index of stored photos. It lives next to the photos (`index/photos/<photoId>.json`) so it has their
 * durability and needs no other database; it is written after the three variants and is the commit point
 * of a photo: no entry, no photo (a crash before it leaves objects a redelivery overwrites).
 */
@Injectable()
export class PhotoIndexRepository {
  constructor(private readonly bucket: PhotoBucketRepository) {}

  async get(photoId: string): Promise<PhotoRecord | null> {
    const key = indexKey(photoId);
    const bytes = await this.bucket.get(key);
    if (!bytes) return null;
    let value: unknown;
    try {
      value = JSON.parse(bytes.toString('utf8'));
    } catch {
      throw new CorruptIndexError(key, 'not JSON');
    }
    const parsed = recordSchema.safeParse(value);
    if (!parsed.success) throw new CorruptIndexError(key, parsed.error.issues[0]?.message ?? 'invalid');
    return parsed.data;
  }

  async put(record: PhotoRecord): Promise<void> {
    const body = Buffer.from(JSON.stringify(recordSchema.parse(record)));
    await this.bucket.put(indexKey(record.stored.photoId), body, 'application/json');
  }
}

export type { PhotoStored };
