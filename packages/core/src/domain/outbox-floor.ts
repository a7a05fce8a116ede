/** Where the outbox's retention floor is kept: events with seq ≤ floor may have been deleted. */
export const OUTBOX_FLOOR = { namespace: 'placet:outbox', key: 'floor' } as const;
