import { describePolicyEngine } from '@placet/test-utils';
import { memoryStore } from '../src/index.js';

describePolicyEngine({ name: 'memory', store: async () => ({ store: memoryStore() }) });
