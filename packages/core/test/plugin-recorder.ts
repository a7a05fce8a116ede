import { definePlugin, type PluginHookEvents, type PluginHookName } from '../src/plugin.js';

export interface Recorded {
  hook: PluginHookName;
  seq: number;
  messageId: string;
  /** Which instance ran it (tests with two instances on one store). */
  by: string;
}

export interface RecorderOptions {
  /** Recorded calls go here (shared between instances when the test wants one list). */
  calls?: Recorded[];
  by?: string;
  /** Throws on the first `times` calls for which `when` is true (then succeeds). */
  fail?: { when: (hook: PluginHookName, event: PluginHookEvents[PluginHookName]) => boolean; times: number };
  name?: string;
}

/** A plugin that records every after-commit hook call, in the order they ran. */
export function recorder(options: RecorderOptions = {}) {
  const calls = options.calls ?? [];
  let failures = 0;
  const record =
    <H extends PluginHookName>(hook: H) =>
    async (event: PluginHookEvents[H]) => {
      const fail = options.fail;
      if (fail && failures < fail.times && fail.when(hook, event)) {
        failures++;
        throw new Error(`failure ${failures} of ${fail.times}`);
      }
      calls.push({ hook, seq: event.seq, messageId: event.messageId, by: options.by ?? 'one' });
    };
  const plugin = definePlugin({
    name: options.name ?? 'recorder',
    version: '1.0.0',
    hooks: {
      'message.created': record('message.created'),
      'review.created': record('review.created'),
      'review.responded': record('review.responded'),
      'review.dismissed': record('review.dismissed'),
      'review.expired': record('review.expired'),
    },
  });
  return { plugin, calls, failures: () => failures };
}
