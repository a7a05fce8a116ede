import { describePolicyEngine } from '@placet/test-utils';
import { describe } from 'vitest';
import { postgresStore } from '../src/index.js';
import { freshStore, pgEnabled } from './pg-env.js';

describe.skipIf(!pgEnabled)('Postgres', () => {
  describePolicyEngine({
    name: 'postgres',
    shared: true,
    async store() {
      const { store, pool, cleanup } = await freshStore();
      // A second store on the same schema, as a second process would open it.
      return { store, dispose: cleanup, another: () => postgresStore({ pool }) };
    },
  });
});
