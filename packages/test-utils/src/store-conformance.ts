import type { Store, StoreInspector, StoreTable } from '@placet/core/adapter';
import { describe } from 'vitest';

/** The independent read path and the tables it counts: the port's own (`@placet/core/adapter`). */
export type { StoreInspector, StoreTable };

import { storeAuditGroup } from './store-audit-group.js';
import { storeConcurrencyGroup } from './store-concurrency-group.js';
import { storeConditionalGroup } from './store-conditional-group.js';
import { storeCrudGroup } from './store-crud-group.js';
import { storeDeliveriesGroup } from './store-deliveries-group.js';
import { storeEscalationGroup } from './store-escalation-group.js';
import { storeGroupsGroup } from './store-groups-group.js';
import { storeInboxGroup } from './store-inbox-group.js';
import { storeOutboxGroup } from './store-outbox-group.js';
import { storePoliciesGroup } from './store-policies-group.js';
import { storeQueryGroup } from './store-query-group.js';
import { storeReviewReadsGroup } from './store-review-reads-group.js';
import { storeSessionsGroup } from './store-sessions-group.js';
import { storeStatusGroup } from './store-status-group.js';
import { storeStreamsGroup } from './store-streams-group.js';
import { storeSweepGroup } from './store-sweep-group.js';
import { storeTransactionGroup } from './store-transaction-group.js';

export interface StoreHarness {
  /** A ready (migrated) store with no rows. */
  store: Store;
  inspect: StoreInspector;
  /** Called after each test; when absent the suite calls `store.close()`. */
  cleanup?: () => Promise<void>;
}

export interface StoreSuiteOptions {
  /** Shown in the describe titles (`memory`, `sqlite`, `postgres`). */
  name: string;
  /** Called before every test: each test gets a fresh, empty store. */
  create: () => Promise<StoreHarness>;
}

/** Registers the whole Store conformance suite: every group below, under one describe. */
export function storeConformance(options: StoreSuiteOptions): void {
  describe(`Store conformance: ${options.name}`, () => {
    storeCrudGroup(options);
    storeQueryGroup(options);
    storeConditionalGroup(options);
    storeStreamsGroup(options);
    storeSweepGroup(options);
    storeStatusGroup(options);
    storeOutboxGroup(options);
    storeDeliveriesGroup(options);
    storeReviewReadsGroup(options);
    storeInboxGroup(options);
    storePoliciesGroup(options);
    storeEscalationGroup(options);
    storeGroupsGroup(options);
    storeAuditGroup(options);
    storeSessionsGroup(options);
    storeTransactionGroup(options);
    storeConcurrencyGroup(options);
  });
}
