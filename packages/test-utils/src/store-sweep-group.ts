import type { ChannelRecord } from '@placet/core/adapter';
import { describe, expect, it } from 'vitest';
import { makeAttachment, randomId } from './helpers.js';
import type { StoreSuiteOptions } from './store-conformance.js';
import {
  at,
  expectSameRecord,
  ids,
  seedChannel,
  seedMessage,
  seedOwnerChannel,
  seedUser,
  sorted,
  useStoreHarness,
} from './store-harness.js';

/** A channel without the fields an agent-status change may write (undefined fields are not compared). */
function withoutAgentStatus(channel: ChannelRecord | undefined): Partial<ChannelRecord> | undefined {
  if (channel === undefined) return undefined;
  return {
    ...channel,
    status: undefined,
    statusMessage: undefined,
    statusSince: undefined,
    updatedAt: undefined,
  };
}

/** The sweepers' queries: stale streams, old orphans, silent channels, and the markOffline compare-and-set. */
export function storeSweepGroup(options: StoreSuiteOptions): void {
  describe(`Store sweeps: ${options.name}`, () => {
    const h = useStoreHarness(options);

    it('messages.listStaleStreams: only streaming drafts updated before the cutoff, oldest first, limited', async () => {
      const { store } = h();
      const { channel } = await seedOwnerChannel(store);
      const { channel: foreign } = await seedOwnerChannel(store);
      const cutoff = at(100_000);
      const draft = (updatedAt: Date, streamState: 'streaming' | 'complete' | 'aborted' = 'streaming') => ({
        streamId: randomId('stream'),
        streamState,
        createdAt: at(0),
        updatedAt,
      });
      const mid = await seedMessage(store, channel, draft(at(50_000)));
      const oldest = await seedMessage(store, foreign, draft(at(10_000)));
      const late = await seedMessage(store, channel, draft(at(99_999)));
      await seedMessage(store, channel, draft(cutoff));
      await seedMessage(store, channel, draft(at(150_000)));
      await seedMessage(store, channel, draft(at(5_000), 'complete'));
      await seedMessage(store, channel, draft(at(5_000), 'aborted'));
      await seedMessage(store, channel, { streamId: null, streamState: null, updatedAt: at(1_000) });

      const stale = await store.messages.listStaleStreams(cutoff, 100);
      expect(ids(stale)).toEqual([oldest.id, mid.id, late.id]);
      expect(stale.every((m) => m.streamState === 'streaming')).toBe(true);
      expectSameRecord(stale[0], oldest);
      expect(ids(await store.messages.listStaleStreams(cutoff, 2))).toEqual([oldest.id, mid.id]);
      expect(await store.messages.listStaleStreams(at(10_000), 100)).toEqual([]);

      // Finishing a draft takes it off the list.
      await store.messages.updateStream(mid.id, {
        text: 'done',
        streamState: 'complete',
        updatedAt: at(60_000),
      });
      expect(ids(await store.messages.listStaleStreams(cutoff, 100))).toEqual([oldest.id, late.id]);
    });

    it('messages.updateStream with idleBefore: a draft touched after the cutoff is left alone; text kept when absent', async () => {
      const { store, inspect } = h();
      const { channel } = await seedOwnerChannel(store);
      const idle = await seedMessage(store, channel, {
        streamId: randomId('stream'),
        streamState: 'streaming',
        text: 'partial',
        updatedAt: at(10_000),
      });
      const touched = await seedMessage(store, channel, {
        streamId: randomId('stream'),
        streamState: 'streaming',
        text: 'fresh',
        updatedAt: at(200_000),
      });
      const cutoff = at(100_000);
      const aborted = await store.messages.updateStream(
        idle.id,
        { streamState: 'aborted', updatedAt: at(300_000) },
        { idleBefore: cutoff },
      );
      expect(aborted).toMatchObject({ streamState: 'aborted', text: 'partial' });
      expect((await inspect.message(idle.id))?.text).toBe('partial');
      expect(
        await store.messages.updateStream(
          touched.id,
          { streamState: 'aborted', updatedAt: at(300_000) },
          { idleBefore: cutoff },
        ),
      ).toBeUndefined();
      expectSameRecord(await inspect.message(touched.id), touched);
    });

    it('attachments.deleteOrphan deletes only while the file is still an orphan', async () => {
      const { store, inspect } = h();
      const { channel } = await seedOwnerChannel(store);
      const message = await seedMessage(store, channel);
      const orphan = makeAttachment(channel, { messageId: null });
      const linked = makeAttachment(channel, { messageId: null });
      await store.attachments.insert(orphan);
      await store.attachments.insert(linked);
      await store.attachments.linkOrphans([linked.id], channel.id, message.id);
      expect(await store.attachments.deleteOrphan(linked.id)).toBe(false);
      expect((await inspect.attachment(linked.id))?.messageId).toBe(message.id);
      expect(await store.attachments.deleteOrphan(orphan.id)).toBe(true);
      expect(await inspect.attachment(orphan.id)).toBeUndefined();
      expect(await store.attachments.deleteOrphan(orphan.id)).toBe(false);
    });

    it('attachments.listOrphansBefore: only orphans created before the cutoff, oldest first, limited', async () => {
      const { store } = h();
      const { channel } = await seedOwnerChannel(store);
      const { channel: foreign } = await seedOwnerChannel(store);
      const message = await seedMessage(store, channel);
      const cutoff = at(100_000);
      const b = makeAttachment(channel, { createdAt: at(40_000) });
      const a = makeAttachment(foreign, { createdAt: at(20_000) });
      const c = makeAttachment(channel, { createdAt: at(99_999) });
      const linked = makeAttachment(channel, { messageId: message.id, createdAt: at(1_000) });
      const atCutoff = makeAttachment(channel, { createdAt: cutoff });
      const young = makeAttachment(channel, { createdAt: at(200_000) });
      for (const row of [b, a, c, linked, atCutoff, young]) await store.attachments.insert(row);

      const orphans = await store.attachments.listOrphansBefore(cutoff, 100);
      expect(ids(orphans)).toEqual([a.id, b.id, c.id]);
      expectSameRecord(orphans[0], a);
      expect(ids(await store.attachments.listOrphansBefore(cutoff, 2))).toEqual([a.id, b.id]);
      expect(await store.attachments.listOrphansBefore(at(20_000), 100)).toEqual([]);

      // Linking an orphan takes it off the list.
      expect(await store.attachments.linkOrphans([b.id], channel.id, message.id)).toEqual([b.id]);
      expect(ids(await store.attachments.listOrphansBefore(cutoff, 100))).toEqual([a.id, c.id]);
    });

    it('channels.listSilent: channels not offline, last active before the cutoff; never a null lastActiveAt', async () => {
      const { store } = h();
      const owner = await seedUser(store);
      const { channel: foreign } = await seedOwnerChannel(store);
      const cutoff = at(100_000);
      const silentActive = await seedChannel(store, owner.id, { status: 'active', lastActiveAt: at(10_000) });
      const silentBusy = await seedChannel(store, owner.id, { status: 'busy', lastActiveAt: at(50_000) });
      const silentError = await seedChannel(store, owner.id, { status: 'error', lastActiveAt: at(99_999) });
      await store.channels.update(foreign.id, { lastActiveAt: at(20_000) });
      await seedChannel(store, owner.id, { status: 'offline', lastActiveAt: at(1_000) });
      await seedChannel(store, owner.id, { status: 'active', lastActiveAt: cutoff });
      await seedChannel(store, owner.id, { status: 'active', lastActiveAt: at(150_000) });
      await seedChannel(store, owner.id, { status: 'active', lastActiveAt: null, createdAt: at(0) });

      const expected = sorted([silentActive.id, silentBusy.id, silentError.id, foreign.id]);
      const silent = await store.channels.listSilent(cutoff, 100);
      expect(sorted(ids(silent))).toEqual(expected);
      expectSameRecord(
        silent.find((c) => c.id === silentBusy.id),
        silentBusy,
      );
      const limited = await store.channels.listSilent(cutoff, 2);
      expect(limited).toHaveLength(2);
      for (const id of ids(limited)) expect(expected).toContain(id);
      expect(await store.channels.listSilent(at(10_000), 100)).toEqual([]);
    });

    it('channels.markOffline sets offline while lastActiveAt is unchanged, and returns the stored row', async () => {
      const { store, inspect } = h();
      const owner = await seedUser(store);
      const channel = await seedChannel(store, owner.id, {
        status: 'busy',
        statusMessage: 'Working',
        lastActiveAt: at(10_000),
        createdAt: at(0),
      });
      const now = at(400_000);
      const updated = await store.channels.markOffline(channel.id, at(10_000), now);
      expect(updated?.id).toBe(channel.id);
      expect(updated?.status).toBe('offline');
      const stored = await inspect.channel(channel.id);
      expect(stored?.status).toBe('offline');
      expectSameRecord(updated, stored);
      // Everything that is not agent status stays as it was.
      expectSameRecord(withoutAgentStatus(stored), withoutAgentStatus(channel));
      expect(await store.channels.listSilent(at(500_000), 100)).toEqual([]);
    });

    it('channels.markOffline returns undefined and writes nothing after a ping, when offline, or unknown', async () => {
      const { store, inspect } = h();
      const owner = await seedUser(store);
      const pinged = await seedChannel(store, owner.id, { status: 'active', lastActiveAt: at(10_000) });
      // A ping moved lastActiveAt after the sweeper read the channel: the ping wins.
      const afterPing = await store.channels.update(pinged.id, {
        lastActiveAt: at(20_000),
        updatedAt: at(20_000),
      });
      expect(await store.channels.markOffline(pinged.id, at(10_000), at(400_000))).toBeUndefined();
      expectSameRecord(await inspect.channel(pinged.id), afterPing);

      const offline = await seedChannel(store, owner.id, {
        status: 'offline',
        statusSince: at(5_000),
        lastActiveAt: at(1_000),
      });
      expect(await store.channels.markOffline(offline.id, at(1_000), at(400_000))).toBeUndefined();
      expectSameRecord(await inspect.channel(offline.id), offline);

      const never = await seedChannel(store, owner.id, { status: 'active', lastActiveAt: null });
      expect(await store.channels.markOffline(never.id, at(1_000), at(400_000))).toBeUndefined();
      expectSameRecord(await inspect.channel(never.id), never);

      expect(await store.channels.markOffline(randomId('channel'), at(1_000), at(400_000))).toBeUndefined();

      // The first markOffline wins; a second one with the same arguments finds it offline.
      const once = await seedChannel(store, owner.id, { status: 'error', lastActiveAt: at(3_000) });
      expect((await store.channels.markOffline(once.id, at(3_000), at(400_000)))?.status).toBe('offline');
      expect(await store.channels.markOffline(once.id, at(3_000), at(400_001))).toBeUndefined();
      expect(await inspect.count('channels')).toBe(4);
    });
  });
}
