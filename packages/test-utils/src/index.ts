export { type AuditEngineSuiteOptions, describeAuditEngine } from './audit-engine-suite.js';
export {
  AUDIT_LOG,
  AuditEntry,
  type AuditLog,
  AuditOptions,
  type AuditOptionsInput,
  audit,
} from './audit-plugin.js';
export { countingStore } from './counting-store.js';
export { FakeClock } from './fake-clock.js';
export {
  answers,
  attachFakeHuman,
  defaultFakeScript,
  type FakeAnswer,
  type FakeAnswered,
  type FakeHuman,
  type FakeHumanError,
  type FakeHumanOptions,
  type FakeReview,
  type FakeScript,
} from './fake-human.js';
export {
  type FileStoreHarness,
  type FileStoreSuiteOptions,
  fileStoreAtomicityGroup,
  fileStoreConformance,
  fileStoreRoundTripGroup,
} from './file-store-conformance.js';
export {
  type Deferred,
  deferred,
  makeApiKey,
  makeAssignee,
  makeAttachment,
  makeChannel,
  makeDelivery,
  makeEvent,
  makeMessage,
  makePolicy,
  makeReview,
  makeStatusHistory,
  makeStatusStep,
  makeUser,
  makeVote,
  randomId,
  type StatusHistoryEntry,
  type StatusStepInput,
  settle,
  type WaitForOptions,
  waitFor,
} from './helpers.js';
export { type OutageStore, outageStore } from './outage-store.js';
export { describePolicyEngine, type PolicyEngineSuiteOptions } from './policy-engine-suite.js';
export {
  type AcceptedCase,
  type DescribeReviewTypeOptions,
  describeReviewType,
  expectPayloadAccepted,
  expectPayloadRefused,
  expectResponseAccepted,
  expectResponseRefused,
  type PlacetErrorReport,
  placetErrorOf,
  type RefusalExpectation,
  type RefusedPayloadCase,
  type RefusedResponseCase,
  type ReviewTypeCases,
  reviewTypeRegistry,
} from './review-type-kit.js';
export { type SeededAgent, seedAgent } from './seed.js';
export { storeAuditGroup } from './store-audit-group.js';
export { storeConcurrencyGroup } from './store-concurrency-group.js';
export { storeConditionalGroup } from './store-conditional-group.js';
export {
  type StoreHarness,
  type StoreInspector,
  type StoreSuiteOptions,
  type StoreTable,
  storeConformance,
} from './store-conformance.js';
export { storeCrudGroup } from './store-crud-group.js';
export { storeDeliveriesGroup } from './store-deliveries-group.js';
export { storeEscalationGroup } from './store-escalation-group.js';
export { storeGroupsGroup } from './store-groups-group.js';
export { storeInboxGroup } from './store-inbox-group.js';
export { storeOutboxGroup } from './store-outbox-group.js';
export { storePoliciesGroup } from './store-policies-group.js';
export { storeQueryGroup } from './store-query-group.js';
export { storeReviewReadsGroup } from './store-review-reads-group.js';
export { storeSessionsGroup } from './store-sessions-group.js';
export { storeStatusGroup } from './store-status-group.js';
export { storeStreamsGroup } from './store-streams-group.js';
export { storeSweepGroup } from './store-sweep-group.js';
export { storeTransactionGroup } from './store-transaction-group.js';
export { tinyPng } from './tiny-png.js';
export {
  type TransportHarness,
  type TransportSuiteOptions,
  transportConformance,
  transportDeliveryGroup,
  transportLifecycleGroup,
  transportListenerGroup,
} from './transport-conformance.js';
