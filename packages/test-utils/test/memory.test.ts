import { memoryFileStore, memoryStore, memoryTransport } from '@placet/core';
import { fileStoreConformance, storeConformance, transportConformance } from '../src/index.js';

storeConformance({
  name: 'memory',
  create: async () => {
    const store = memoryStore();
    return { store, inspect: store.inspect() };
  },
});

fileStoreConformance({
  name: 'memory',
  create: async () => ({ files: memoryFileStore() }),
});

transportConformance({
  name: 'memory',
  create: async () => {
    const transport = memoryTransport();
    return { transports: [transport, transport] };
  },
});
