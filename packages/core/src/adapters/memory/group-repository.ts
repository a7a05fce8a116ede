import { CONSTRAINTS, UniqueViolation } from '../../domain/unique-violation.js';
import type { GroupRepository } from '../../ports/store.js';
import type { View } from './state.js';

export const groupMemberKey = (groupName: string, userId: string) => `${groupName}/${userId}`;

/** Binary (code point) order, as the SQL stores sort names and ids. */
const binary = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Named groups of the memory store. Its transactions are serialised already, so `setMembers` replaces
 * the rows without a lock of its own.
 */
export function memoryGroupRepository(view: View): GroupRepository {
  return {
    async insert(group) {
      if (view.get('groups', group.name) !== undefined) throw new UniqueViolation(CONSTRAINTS.groupName);
      view.set('groups', group.name, group);
    },
    find: async (name) => view.get('groups', name),
    list: async () => [...view.rows('groups')].sort((a, b) => binary(a.name, b.name)),
    async update(name, { displayName }) {
      const group = view.get('groups', name);
      if (!group) return undefined;
      const next = { ...group, displayName };
      view.set('groups', name, next);
      return next;
    },
    async delete(name) {
      if (!view.delete('groups', name)) return false;
      for (const m of view.filter('groupMembers', (m) => m.groupName === name))
        view.delete('groupMembers', groupMemberKey(m.groupName, m.userId));
      return true;
    },
    async setMembers(name, userIds) {
      if (view.get('groups', name) === undefined) return false;
      for (const m of view.filter('groupMembers', (m) => m.groupName === name))
        view.delete('groupMembers', groupMemberKey(m.groupName, m.userId));
      for (const userId of new Set(userIds)) {
        if (view.get('users', userId) === undefined) continue;
        view.set('groupMembers', groupMemberKey(name, userId), { groupName: name, userId });
      }
      return true;
    },
    async members(names) {
      const wanted = new Set(names);
      return view
        .filter('groupMembers', (m) => wanted.has(m.groupName))
        .sort((a, b) => binary(a.groupName, b.groupName) || binary(a.userId, b.userId));
    },
  };
}
