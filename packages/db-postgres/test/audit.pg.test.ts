import { describeAuditEngine } from '@placet/test-utils';
import { describe } from 'vitest';
import { createPool, postgresStore } from '../src/index.js';
import { freshSchema, PG_URL, pgEnabled } from './pg-env.js';

describe.skipIf(!pgEnabled)('Postgres', () => {
  describeAuditEngine({
    name: 'postgres',
    async store() {
      const { pool, schema, drop } = await freshSchema();
      // A second pool on the same schema: a second Placet instance, as another process would be.
      const url = new URL(PG_URL!);
      url.searchParams.set('options', `-c search_path=${schema}`);
      const otherPool = createPool(url.toString(), 10);
      const store = postgresStore({ pool });
      return {
        store,
        another: () => postgresStore({ pool: otherPool }),
        dispose: async () => {
          await otherPool.end();
          await drop();
        },
      };
    },
  });
});
