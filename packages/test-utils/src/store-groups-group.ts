import { CONSTRAINTS, type GroupRecord, isUniqueViolation } from '@placet/core/adapter';
import { describe, expect, it } from 'vitest';
import { randomId } from './helpers.js';
import type { StoreSuiteOptions } from './store-conformance.js';
import { at, expectSameRecord, rejectionOf, seedUser, useStoreHarness } from './store-harness.js';

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** A group with a random name (lower-case, so that it is a valid name), or the name given. */
function makeGroup(overrides: Partial<GroupRecord> = {}): GroupRecord {
  return {
    name: randomId('g'),
    displayName: 'On call – “nights”',
    createdAt: at(0),
    ...overrides,
  };
}

/** Binary (code point) order, as the port promises for names and ids. */
const binary = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Named groups (`groups`): one group per name (a duplicate, also racing, is `groups_name`), members
 * replaced whole (`setMembers`, serialised per group), read in one query in binary order, and what
 * deleting a group or a user takes with it.
 */
export function storeGroupsGroup(options: StoreSuiteOptions): void {
  describe(`Store groups: ${options.name}`, () => {
    const h = useStoreHarness(options);

    it('insert, find, list (by name, binary order), update and delete round-trip every field', async () => {
      const { store, inspect } = h();
      const names = ['oncall', 'on-call', 'on.call', 'on_call', 'ab', 'a-b', '0day', 'z'];
      for (const [i, name] of names.entries())
        await store.groups.insert(makeGroup({ name, displayName: `Group ${i} – ünïcode`, createdAt: at(i) }));
      expect(await inspect.count('groups')).toBe(names.length);
      const oncall = { name: 'oncall', displayName: 'Group 0 – ünïcode', createdAt: at(0) };
      expectSameRecord(await store.groups.find('oncall'), oncall);
      expect(await store.groups.find('unknown')).toBeUndefined();
      expect(await store.groups.find('ONCALL')).toBeUndefined();
      const listed = await store.groups.list();
      expect(listed.map((g) => g.name)).toEqual([...names].sort(binary));
      expectSameRecord(
        listed.find((g) => g.name === 'oncall'),
        oncall,
      );

      const renamed = { ...oncall, displayName: 'Nights' };
      expectSameRecord(await store.groups.update('oncall', { displayName: 'Nights' }), renamed);
      expectSameRecord(await store.groups.find('oncall'), renamed);
      expect(await store.groups.update('unknown', { displayName: 'x' })).toBeUndefined();
      expect(await inspect.count('groups')).toBe(names.length);

      expect(await store.groups.delete('oncall')).toBe(true);
      expect(await store.groups.delete('oncall')).toBe(false);
      expect(await store.groups.find('oncall')).toBeUndefined();
      expect(await inspect.count('groups')).toBe(names.length - 1);
      expect(await store.transaction((tx) => tx.groups.list())).toHaveLength(names.length - 1);
    });

    it('a second group with a taken name is a UniqueViolation (groups_name), outside and inside a transaction', async () => {
      const { store, inspect } = h();
      const group = makeGroup();
      await store.groups.insert(group);
      const again = makeGroup({ name: group.name, displayName: 'Another' });
      const error = await rejectionOf(store.groups.insert(again));
      expect(isUniqueViolation(error, CONSTRAINTS.groupName), String(error)).toBe(true);
      const inTx = await rejectionOf(store.transaction((tx) => tx.groups.insert(again)));
      expect(isUniqueViolation(inTx, CONSTRAINTS.groupName), String(inTx)).toBe(true);
      expect(await inspect.count('groups')).toBe(1);
      expectSameRecord(await store.groups.find(group.name), group);
    });

    for (const mode of ['plain calls', 'transactions'] as const) {
      it(`10 parallel inserts of one name (${mode}): exactly one wins, the others get groups_name`, async () => {
        const { store, inspect } = h();
        const name = makeGroup().name;
        const groups = range(10).map((n) => makeGroup({ name, displayName: `Candidate ${n}` }));
        const outcomes = await Promise.allSettled(
          groups.map((group) =>
            mode === 'plain calls'
              ? store.groups.insert(group)
              : store.transaction((tx) => tx.groups.insert(group)),
          ),
        );
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        for (const o of outcomes)
          if (o.status === 'rejected')
            expect(isUniqueViolation(o.reason, CONSTRAINTS.groupName), String(o.reason)).toBe(true);
        expect(await inspect.count('groups')).toBe(1);
        const winner = groups[outcomes.findIndex((o) => o.status === 'fulfilled')];
        expectSameRecord(await store.groups.find(name), winner);
      });
    }

    it('setMembers replaces the members whole, each once, skipping ids of no user; members() reads several groups in order', async () => {
      const { store, inspect } = h();
      const users = await Promise.all(range(4).map(() => seedUser(store)));
      const [a, b, c, d] = users.map((u) => u.id).sort(binary) as [string, string, string, string];
      await store.groups.insert(makeGroup({ name: 'ops' }));
      await store.groups.insert(makeGroup({ name: 'dev' }));
      await store.groups.insert(makeGroup({ name: 'empty' }));

      expect(await store.groups.setMembers('ops', [d, b, 'no-such-user', b])).toBe(true);
      expect(await store.groups.setMembers('dev', [c, a, d])).toBe(true);
      expect(await inspect.count('group_members')).toBe(5);
      expect(await store.groups.members(['ops', 'dev', 'empty', 'unknown'])).toEqual([
        { groupName: 'dev', userId: a },
        { groupName: 'dev', userId: c },
        { groupName: 'dev', userId: d },
        { groupName: 'ops', userId: b },
        { groupName: 'ops', userId: d },
      ]);
      expect(await store.groups.members(['ops'])).toEqual([
        { groupName: 'ops', userId: b },
        { groupName: 'ops', userId: d },
      ]);
      expect(await store.groups.members([])).toEqual([]);
      expect(await store.groups.members(['empty', 'unknown'])).toEqual([]);

      // Replaced, not merged; an empty list empties the group; another group is left alone.
      expect(await store.groups.setMembers('ops', [a])).toBe(true);
      expect(await store.groups.members(['ops'])).toEqual([{ groupName: 'ops', userId: a }]);
      expect(await store.groups.setMembers('ops', [])).toBe(true);
      expect(await store.groups.members(['ops'])).toEqual([]);
      expect(await store.groups.members(['dev'])).toHaveLength(3);

      // No such group: false, and nothing is written.
      expect(await store.groups.setMembers('unknown', [a, b])).toBe(false);
      expect(await store.transaction((tx) => tx.groups.setMembers('unknown', [a]))).toBe(false);
      expect(await inspect.count('group_members')).toBe(3);
      expect(await inspect.count('groups')).toBe(3);
    });

    it('a group and its members commit together in a transaction, and a rolled-back one leaves nothing', async () => {
      const { store, inspect } = h();
      const alice = await seedUser(store);
      const bob = await seedUser(store);
      const group = makeGroup();
      await store.transaction(async (tx) => {
        await tx.groups.insert(group);
        expect(await tx.groups.setMembers(group.name, [alice.id])).toBe(true);
        expect(await tx.groups.members([group.name])).toEqual([{ groupName: group.name, userId: alice.id }]);
      });
      expect(await store.groups.members([group.name])).toEqual([{ groupName: group.name, userId: alice.id }]);

      const boom = new Error('boom');
      const failed = await rejectionOf(
        store.transaction(async (tx) => {
          await tx.groups.insert(makeGroup({ name: 'rolled-back' }));
          await tx.groups.setMembers('rolled-back', [bob.id]);
          await tx.groups.update(group.name, { displayName: 'Changed' });
          expect(await tx.groups.setMembers(group.name, [bob.id])).toBe(true);
          throw boom;
        }),
      );
      expect(failed).toBe(boom);
      expect(await store.groups.find('rolled-back')).toBeUndefined();
      expectSameRecord(await store.groups.find(group.name), group);
      expect(await store.groups.members([group.name, 'rolled-back'])).toEqual([
        { groupName: group.name, userId: alice.id },
      ]);
      expect(await inspect.count('groups')).toBe(1);
      expect(await inspect.count('group_members')).toBe(1);
    });

    it('10 parallel setMembers of one group: no error, and the members are exactly one caller’s list', async () => {
      const { store, inspect } = h();
      const users = await Promise.all(range(6).map(() => seedUser(store)));
      const group = makeGroup();
      await store.groups.insert(group);
      // Overlapping lists: a union, or a lost delete, would show as a mix.
      const lists = range(10).map((n) => [users[n % 6]!.id, users[(n + 1) % 6]!.id, users[(n + 3) % 6]!.id]);
      const results = await Promise.all(lists.map((list) => store.groups.setMembers(group.name, list)));
      expect(results).toEqual(range(10).map(() => true));
      const members = (await store.groups.members([group.name])).map((m) => m.userId);
      expect(lists.map((list) => [...list].sort(binary))).toContainEqual(members);
      expect(await inspect.count('group_members')).toBe(3);
    });

    it('deleting a group deletes its member rows only; deleting a user deletes their memberships only', async () => {
      const { store, inspect } = h();
      const alice = await seedUser(store);
      const bob = await seedUser(store);
      const carol = await seedUser(store);
      await store.groups.insert(makeGroup({ name: 'ops' }));
      await store.groups.insert(makeGroup({ name: 'dev' }));
      await store.groups.setMembers('ops', [alice.id, bob.id]);
      await store.groups.setMembers('dev', [bob.id, carol.id]);
      expect(await inspect.count('group_members')).toBe(4);

      expect(await store.users.delete(bob.id)).toBe(true);
      expect(await inspect.count('group_members')).toBe(2);
      expect((await store.groups.members(['ops', 'dev'])).map((m) => `${m.groupName}/${m.userId}`)).toEqual([
        `dev/${carol.id}`,
        `ops/${alice.id}`,
      ]);
      expect(await inspect.count('groups')).toBe(2);

      expect(await store.groups.delete('ops')).toBe(true);
      expect(await inspect.count('group_members')).toBe(1);
      expect(await store.groups.members(['ops'])).toEqual([]);
      expect(await store.groups.members(['dev'])).toEqual([{ groupName: 'dev', userId: carol.id }]);
      expect(await inspect.user(alice.id)).toBeDefined();
      expect(await inspect.count('users')).toBe(2);

      // A deleted group's name is free again, with no members.
      await store.groups.insert(makeGroup({ name: 'ops' }));
      expect(await store.groups.members(['ops'])).toEqual([]);
    });
  });
}
