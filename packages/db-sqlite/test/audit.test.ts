import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeAuditEngine } from '@placet/test-utils';
import { sqliteStore } from '../src/index.js';

describeAuditEngine({
  name: 'sqlite (WAL file)',
  async store() {
    const dir = mkdtempSync(join(tmpdir(), 'placet-audit-'));
    const store = sqliteStore({ filename: join(dir, 'placet.db') });
    return { store, dispose: async () => rmSync(dir, { recursive: true, force: true }) };
  },
});
