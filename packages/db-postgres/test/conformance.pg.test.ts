import { fileStoreConformance, storeConformance, transportConformance } from '@placet/test-utils';
import { describe } from 'vitest';
import { postgresTransport } from '../src/index.js';
import { freshSchema, freshStore, PG_URL, pgEnabled } from './pg-env.js';

describe.skipIf(!pgEnabled)('Postgres adapters', () => {
  storeConformance({
    name: 'postgres',
    async create() {
      const { store, cleanup } = await freshStore();
      return { store, inspect: store.inspect(), cleanup };
    },
  });

  transportConformance({
    name: 'postgres LISTEN/NOTIFY',
    async create() {
      const { pool, drop } = await freshSchema();
      const channel = `placet_t_${Math.random().toString(36).slice(2, 10)}`;
      const a = postgresTransport({ pool, channel });
      const b = postgresTransport({ connectionString: PG_URL!, channel });
      await a.start?.();
      await b.start?.();
      return {
        transports: [a, b],
        cleanup: async () => {
          await a.close();
          await b.close();
          await drop();
        },
      };
    },
  });
});

// The file-store suite does not apply to Postgres; keep the import honest for readers.
void fileStoreConformance;
