import { describePolicyEngine } from '@placet/test-utils';
import { describe } from 'vitest';
import { freshStore, pgEnabled } from './pg-env.js';

describe.skipIf(!pgEnabled)('Postgres', () => {
  describePolicyEngine({
    name: 'postgres',
    async store() {
      const { store, cleanup } = await freshStore();
      return { store, dispose: cleanup };
    },
  });
});
