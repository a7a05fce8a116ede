import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storeConformance } from '@placet/test-utils';
import { sqliteStore } from '../src/index.js';

storeConformance({
  name: 'sqlite :memory:',
  async create() {
    const store = sqliteStore({ filename: ':memory:' });
    await store.migrate();
    return { store, inspect: store.inspect(), cleanup: () => store.close() };
  },
});

storeConformance({
  name: 'sqlite file (WAL)',
  async create() {
    const dir = mkdtempSync(join(tmpdir(), 'placet-sqlite-'));
    const store = sqliteStore({ filename: join(dir, 'placet.db') });
    await store.migrate();
    return {
      store,
      inspect: store.inspect(),
      cleanup: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
});
