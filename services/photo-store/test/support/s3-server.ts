import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import type { Client } from 'minio';
import { freePort } from '@mirror/testing';
import { s3Client } from '../../src/storage/s3.client';

/** s3rver's fixed account (the stand-in knows no other keys). */
export const S3_CREDENTIALS = { S3_ACCESS_KEY: 'S3RVER', S3_SECRET_KEY: 'S3RVER', S3_REGION: 'us-east-1' };

/** A private s3rver for one test file: in this process, on a free port, data in a temporary folder. */
export class LocalS3 {
  private constructor(
    private readonly server: S3rver,
    readonly port: number,
    private readonly directory: string,
  ) {}

  static async start(): Promise<LocalS3> {
    const port = await freePort();
    const directory = await mkdtemp(join(tmpdir(), 'photo-store-s3-'));
    const server = new S3rver({ port, address: '127.0.0.1', directory, silent: !process.env.TEST_S3_LOG });
    await server.run();
    return new LocalS3(server, port, directory);
  }

  /** The internal endpoint (S3_ENDPOINT). */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The same server under another host name, standing in for the public endpoint (S3_PUBLIC_URL). */
  get publicUrl(): string {
    return `http://localhost:${this.port}`;
  }

  client(): Client {
    return s3Client('S3_ENDPOINT', this.url, S3_CREDENTIALS);
  }

  async stop(): Promise<void> {
    await this.server.close();
    await rm(this.directory, { recursive: true, force: true });
  }
}

/** Every object key in a bucket (empty when the bucket does not exist). */
export async function listKeys(client: Client, bucket: string, prefix = ''): Promise<string[]> {
  if (!(await client.bucketExists(bucket))) return [];
  const keys: string[] = [];
  for await (const o of client.listObjectsV2(bucket, prefix, true)) {
    if ((o as { name?: string }).name) keys.push((o as { name: string }).name);
  }
  return keys.sort();
}

export async function getObject(client: Client, bucket: string, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of await client.getObject(bucket, key)) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
