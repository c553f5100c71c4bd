#!/usr/bin/env node
// A local S3-compatible server (s3rver) for development and tests, reached through the same
// `minio` client code path as MinIO in production. It does not enforce what MinIO does: request and
// presigned-URL signatures (any signature, even none, is accepted; expiry is checked), bucket policies,
// object locking, or real durability. See services/photo-store/README.md.
const S3rver = require('s3rver');
const fs = require('node:fs');

const port = Number(process.env.S3_LOCAL_PORT ?? 9000);
const directory = process.env.S3_LOCAL_DIR ?? '.infra/s3';
const buckets = (process.env.S3_LOCAL_BUCKETS ?? 'mirror-photos').split(',').filter(Boolean);
fs.mkdirSync(directory, { recursive: true });

new S3rver({
  port,
  address: '127.0.0.1',
  directory,
  silent: true,
  configureBuckets: buckets.map((name) => ({ name })),
})
  .run()
  .then(({ port: p }) => console.log(`s3rver listening on http://127.0.0.1:${p} (data in ${directory})`))
  .catch((e) => {
    console.error(`s3rver failed to start: ${e.message}`);
    process.exit(1);
  });
