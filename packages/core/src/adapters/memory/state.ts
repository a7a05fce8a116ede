import type {
  ApiKeyRecord,
  AttachmentRecord,
  AuditEntryRecord,
  AuditHeadRecord,
  ChannelRecord,
  DeliveryAttemptRecord,
  DeliveryRecord,
  EventRecord,
  GroupMemberRecord,
  GroupRecord,
  KeyValueRecord,
  MessageRecord,
  ReviewAssigneeRecord,
  ReviewRecord,
  ReviewVoteRecord,
  SessionRecord,
  StatusHistoryRecord,
  StatusStepRecord,
  UserRecord,
} from '../../domain/records.js';

/** The tables of the memory store, keyed by primary key (events by seq as a string). */
export interface Rows {
  users: UserRecord;
  sessions: SessionRecord;
  apiKeys: ApiKeyRecord;
  channels: ChannelRecord;
  messages: MessageRecord;
  reviews: ReviewRecord;
  /** Keyed `${messageId}/${userId}`. */
  reviewVotes: ReviewVoteRecord;
  /** Keyed `${messageId}/${userId}`. */
  reviewAssignees: ReviewAssigneeRecord;
  attachments: AttachmentRecord;
  statusSteps: StatusStepRecord;
  statusHistory: StatusHistoryRecord;
  channelReads: { userId: string; channelId: string; at: Date; messageId: string | null };
  /** Keyed `${userId}/${messageId}`. */
  reviewReads: { userId: string; messageId: string; readAt: Date };
  deliveries: DeliveryRecord;
  deliveryAttempts: DeliveryAttemptRecord;
  events: EventRecord;
  /** Keyed `${namespace}/${key}`. */
  kv: KeyValueRecord;
  /** Keyed `${ownerId}/${seq}`. */
  auditEntries: AuditEntryRecord;
  /** Keyed by owner id. */
  auditHeads: AuditHeadRecord & { ownerId: string };
  /** Keyed by name. */
  groups: GroupRecord;
  /** Keyed `${groupName}/${userId}`. */
  groupMembers: GroupMemberRecord;
}
export type TableName = keyof Rows;

const DELETED = Symbol('deleted');
type Overlay = { [K in TableName]?: Map<string, Rows[K] | typeof DELETED> };

export class MemoryState {
  readonly tables: { [K in TableName]: Map<string, Rows[K]> } = {
    users: new Map(),
    sessions: new Map(),
    apiKeys: new Map(),
    channels: new Map(),
    messages: new Map(),
    reviews: new Map(),
    reviewVotes: new Map(),
    reviewAssignees: new Map(),
    attachments: new Map(),
    statusSteps: new Map(),
    statusHistory: new Map(),
    channelReads: new Map(),
    reviewReads: new Map(),
    deliveries: new Map(),
    deliveryAttempts: new Map(),
    events: new Map(),
    kv: new Map(),
    auditEntries: new Map(),
    auditHeads: new Map(),
    groups: new Map(),
    groupMembers: new Map(),
  };
  nextSeq = 1;
  #lock: Promise<void> = Promise.resolve();

  /** Serialises writers: `fn` runs once every earlier writer has finished. */
  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const previous = this.#lock;
    let release!: () => void;
    this.#lock = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

/**
 * A view of the state: the committed rows, plus — inside a transaction — an overlay of that
 * transaction's own writes, applied to the committed tables only by `commit()`. Values are cloned on
 * the way in and out so that callers never alias stored rows.
 */
export class View {
  readonly #state: MemoryState;
  readonly #overlay: Overlay | undefined;

  constructor(state: MemoryState, writable: boolean) {
    this.#state = state;
    this.#overlay = writable ? {} : undefined;
  }

  get state(): MemoryState {
    return this.#state;
  }

  get<K extends TableName>(table: K, key: string): Rows[K] | undefined {
    const staged = this.#overlay?.[table]?.get(key);
    if (staged === DELETED) return undefined;
    const row = staged ?? this.#state.tables[table].get(key);
    return row === undefined ? undefined : structuredClone(row as Rows[K]);
  }

  /** Every row of a table as this view sees it (cloned). */
  *rows<K extends TableName>(table: K): Generator<Rows[K]> {
    const staged = this.#overlay?.[table] as Map<string, Rows[K] | typeof DELETED> | undefined;
    for (const [key, row] of this.#state.tables[table]) {
      if (staged?.has(key)) continue;
      yield structuredClone(row);
    }
    if (staged) for (const row of staged.values()) if (row !== DELETED) yield structuredClone(row);
  }

  /** Rows matching `predicate`, without cloning the ones that do not match. */
  filter<K extends TableName>(table: K, predicate: (row: Rows[K]) => boolean): Rows[K][] {
    const out: Rows[K][] = [];
    const staged = this.#overlay?.[table] as Map<string, Rows[K] | typeof DELETED> | undefined;
    for (const [key, row] of this.#state.tables[table]) {
      if (staged?.has(key)) continue;
      if (predicate(row)) out.push(structuredClone(row));
    }
    if (staged)
      for (const row of staged.values())
        if (row !== DELETED && predicate(row)) out.push(structuredClone(row));
    return out;
  }

  set<K extends TableName>(table: K, key: string, row: Rows[K]): void {
    this.#writable()[table] ??= new Map() as never;
    (this.#writable()[table] as Map<string, Rows[K]>).set(key, structuredClone(row));
  }

  delete(table: TableName, key: string): boolean {
    if (this.get(table, key) === undefined) return false;
    this.#writable()[table] ??= new Map() as never;
    (this.#writable()[table] as Map<string, typeof DELETED>).set(key, DELETED);
    return true;
  }

  /** Applies the overlay to the committed tables, synchronously (so no reader sees half of it). */
  commit(): void {
    const overlay = this.#writable();
    for (const table of Object.keys(overlay) as TableName[]) {
      const target = this.#state.tables[table] as Map<string, unknown>;
      for (const [key, row] of overlay[table] as Map<string, unknown>) {
        if (row === DELETED) target.delete(key);
        else target.set(key, row);
      }
    }
  }

  #writable(): Overlay {
    if (!this.#overlay) throw new Error('memory store: write through a read-only view');
    return this.#overlay;
  }
}
