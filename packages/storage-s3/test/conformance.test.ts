import { randomBytes } from 'node:crypto';
import { fileStoreConformance } from '@placet/test-utils';
import { afterAll, beforeAll } from 'vitest';
import { s3FileStore } from '../src/index.js';
import { LOCAL_S3_CREDENTIALS, type LocalS3, startLocalS3 } from './local-s3.js';

let s3: LocalS3;
beforeAll(async () => {
  s3 = await startLocalS3(['conformance']);
});
afterAll(() => s3?.close());

fileStoreConformance({
  name: 's3FileStore (s3rver)',
  async create() {
    // A fresh, empty store per test: its own prefix in the shared bucket.
    const files = s3FileStore({
      endpoint: s3.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: LOCAL_S3_CREDENTIALS,
      bucket: 'conformance',
      prefix: `run-${randomBytes(6).toString('hex')}`,
    });
    return { files };
  },
});
