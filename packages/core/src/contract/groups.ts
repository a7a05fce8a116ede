import { z } from 'zod';
import { Id, IsoDateTime } from './common.js';

/**
 * Named groups of users, instance-wide like users: `group:<name>` among a review's `assignees` (or an
 * escalation step's `addAssignees`) names the group's members at that moment. Owners manage them
 * (`/groups`); every signed-in human sees them, so that people understand who a review is assigned to.
 */

/** A group's name: a lower-case slug, the key of the group (it never changes). */
export const GROUP_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;
export const MAX_GROUP_NAME_LENGTH = 64;
/** Most members one group may have. */
export const MAX_GROUP_MEMBERS = 500;

export const GroupName = z
  .string()
  .min(1)
  .max(MAX_GROUP_NAME_LENGTH)
  .regex(GROUP_NAME_PATTERN, 'lower-case letters, digits, ".", "_" and "-", starting with a letter or digit')
  .meta({ examples: ['oncall', 'finance.approvers'] });

/** A member as an owner names one: a user id, or a user's e-mail (case-insensitive). */
export const GroupMemberRef = z
  .string()
  .trim()
  .min(1)
  .max(320)
  .meta({ examples: ['alice@example.com'] });

const DisplayName = z.string().trim().min(1).max(200);
const Members = z.array(GroupMemberRef).max(MAX_GROUP_MEMBERS);

/** Body of `POST /groups`: the display name defaults to the name; members may be added later. */
export const GroupCreate = z.strictObject({
  name: GroupName,
  displayName: DisplayName.optional(),
  members: Members.default([]),
});
export type GroupCreateInput = z.input<typeof GroupCreate>;

/** Body of `PUT /groups/:name`: a new display name and/or the whole new member list. */
export const GroupUpdate = z
  .strictObject({ displayName: DisplayName.optional(), members: Members.optional() })
  .refine((body) => body.displayName !== undefined || body.members !== undefined, {
    message: 'give displayName and/or members',
  });
export type GroupUpdateInput = z.input<typeof GroupUpdate>;

/** A member as every signed-in human sees it: who, not how to reach them. */
export const GroupMember = z.object({ id: Id, displayName: z.string() });

/** A group: its members by display name. */
export const Group = z.object({
  name: GroupName,
  displayName: z.string(),
  members: z.array(GroupMember),
  createdAt: IsoDateTime,
});
export type Group = z.output<typeof Group>;
