export { FakeClock } from './fake-clock.js';
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
  makeAttachment,
  makeChannel,
  makeEvent,
  makeMessage,
  makeReview,
  makeUser,
  randomId,
  settle,
  type WaitForOptions,
  waitFor,
} from './helpers.js';
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
export { storeOutboxGroup } from './store-outbox-group.js';
export { storeQueryGroup } from './store-query-group.js';
export { storeTransactionGroup } from './store-transaction-group.js';
export {
  type TransportHarness,
  type TransportSuiteOptions,
  transportConformance,
  transportDeliveryGroup,
  transportLifecycleGroup,
  transportListenerGroup,
} from './transport-conformance.js';
