import { inject, injectable } from 'tsyringe';
import {
  type Group,
  GroupCreate,
  type GroupCreateInput,
  GroupUpdate,
  type GroupUpdateInput,
} from '../contract/groups.js';
import type { GroupMemberRecord, GroupRecord, UserRecord } from '../domain/records.js';
import { CONSTRAINTS, isUniqueViolation } from '../domain/unique-violation.js';
import { PlacetError } from '../errors/placet-error.js';
import { parseOrThrow } from '../errors/zod-issues.js';
import type { Clock } from '../ports/clock.js';
import type { Repositories, Store } from '../ports/store.js';
import { TOKENS } from '../tokens.js';

const notFound = (name: string) => new PlacetError('NOT_FOUND', `No group named "${name}"`);

/** People in display-name order (then id), as the dashboard lists them. */
const byDisplayName = (a: { id: string; displayName: string }, b: { id: string; displayName: string }) =>
  a.displayName.localeCompare(b.displayName, 'en') || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Named groups of users (`group:<name>` assignees), instance-wide. Every signed-in human reads them;
 * the HTTP API lets owners change them (the operation table checks the role). A review names a group's
 * members as they are when it is created (`ReviewPolicies`); later changes of the group change nothing
 * for it.
 */
@injectable()
export class GroupsService {
  constructor(
    @inject(TOKENS.Store) private readonly store: Store,
    @inject(TOKENS.Clock) private readonly clock: Clock,
  ) {}

  /** Every group, by name, with its members (three reads, whatever the number of groups). */
  async list(): Promise<Group[]> {
    const groups = await this.store.groups.list();
    if (groups.length === 0) return [];
    const [rows, users] = await Promise.all([
      this.store.groups.members(groups.map((g) => g.name)),
      this.store.users.list(),
    ]);
    return this.#present(groups, rows, users);
  }

  async get(name: string): Promise<Group | undefined> {
    const group = await this.store.groups.find(name);
    if (!group) return undefined;
    return (await this.#presentOne(this.store, group))[0];
  }

  /**
   * A new group: 400 naming `name` or `members.N` (a user id or e-mail of nobody), 409 CONFLICT when the
   * name is taken.
   */
  async create(input: GroupCreateInput): Promise<Group> {
    const data = parseOrThrow(GroupCreate, input);
    const memberIds = await this.#resolveMembers(data.members);
    const group: GroupRecord = {
      name: data.name,
      displayName: data.displayName ?? data.name,
      createdAt: this.clock.now(),
    };
    try {
      return await this.store.transaction(async (tx) => {
        await tx.groups.insert(group);
        await tx.groups.setMembers(group.name, memberIds);
        return (await this.#presentOne(tx, group))[0]!;
      });
    } catch (error) {
      if (isUniqueViolation(error, CONSTRAINTS.groupName))
        throw new PlacetError('CONFLICT', `A group named "${group.name}" exists already`, {
          issues: [{ path: 'name', message: 'already taken' }],
        });
      throw error;
    }
  }

  /** Replaces the display name and/or the members (the whole list); 404 for an unknown group. */
  async update(name: string, input: GroupUpdateInput): Promise<Group> {
    const data = parseOrThrow(GroupUpdate, input);
    const memberIds = data.members === undefined ? undefined : await this.#resolveMembers(data.members);
    return this.store.transaction(async (tx) => {
      const group =
        data.displayName === undefined
          ? await tx.groups.find(name)
          : await tx.groups.update(name, { displayName: data.displayName });
      if (!group) throw notFound(name);
      if (memberIds !== undefined && !(await tx.groups.setMembers(name, memberIds))) throw notFound(name);
      return (await this.#presentOne(tx, group))[0]!;
    });
  }

  /** Deletes the group; reviews that named it keep the members they were given. */
  async delete(name: string): Promise<{ deleted: true }> {
    if (!(await this.store.groups.delete(name))) throw notFound(name);
    return { deleted: true };
  }

  /** User ids of the references (ids or e-mails), each once, in the order named; 400 naming each unknown one. */
  async #resolveMembers(refs: readonly string[]): Promise<string[]> {
    if (refs.length === 0) return [];
    const users = await this.store.users.list();
    const byId = new Map(users.map((u) => [u.id, u.id]));
    const byEmail = new Map(users.map((u) => [u.email.toLowerCase(), u.id]));
    const ids: string[] = [];
    const issues: { path: string; message: string }[] = [];
    for (const [index, ref] of refs.entries()) {
      const email = ref.includes('@');
      const id = email ? byEmail.get(ref.toLowerCase()) : byId.get(ref);
      if (id) ids.push(id);
      else
        issues.push({
          path: `members.${index}`,
          message: email ? 'no user has this e-mail' : 'no user has this id',
        });
    }
    if (issues.length > 0)
      throw new PlacetError('VALIDATION_FAILED', issues.map((i) => `${i.path}: ${i.message}`).join('; '), {
        issues,
      });
    return [...new Set(ids)];
  }

  async #presentOne(repos: Pick<Repositories, 'groups' | 'users'>, group: GroupRecord): Promise<Group[]> {
    // One after the other: inside a transaction both go through its one connection.
    const rows = await repos.groups.members([group.name]);
    const users = await repos.users.list();
    return this.#present([group], rows, users);
  }

  #present(groups: readonly GroupRecord[], rows: readonly GroupMemberRecord[], users: readonly UserRecord[]) {
    const people = new Map(users.map((u) => [u.id, { id: u.id, displayName: u.displayName }]));
    const members = new Map<string, { id: string; displayName: string }[]>();
    for (const row of rows) {
      const person = people.get(row.userId);
      if (!person) continue;
      const list = members.get(row.groupName) ?? [];
      list.push(person);
      members.set(row.groupName, list);
    }
    return groups.map((g) => ({
      name: g.name,
      displayName: g.displayName,
      members: (members.get(g.name) ?? []).sort(byDisplayName),
      createdAt: g.createdAt.toISOString(),
    }));
  }
}
