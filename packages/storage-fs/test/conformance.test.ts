import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileStoreConformance } from '@placet/test-utils';
import { fsFileStore } from '../src/index.js';

fileStoreConformance({
  name: 'fsFileStore',
  async create() {
    const dir = await mkdtemp(join(tmpdir(), 'placet-storage-fs-'));
    const files = fsFileStore({ dir, fsync: false });
    return {
      files,
      async cleanup() {
        await files.close?.();
        await rm(dir, { recursive: true, force: true });
      },
    };
  },
});
