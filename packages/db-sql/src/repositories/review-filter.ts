import type { ReviewFilter } from '@placet/core/adapter';
import { type Expression, expressionBuilder, type SqlBool } from 'kysely';
import type { PlacetDatabase } from '../schema.js';
import { textContains } from './context.js';

/**
 * The conditions of a `ReviewFilter` on `placet_reviews` (joined to whatever the query joins): status,
 * type, and a search of the message's text. Apply each with `.where(…)`; none for an empty filter.
 *
 * The search reads each candidate review's message by primary key in a correlated scalar subquery — a
 * join the planner cannot turn around: Postgres would otherwise, misjudging how many texts `like` keeps,
 * scan the whole messages table first. So a page walks the inbox's own index (the owner's or the
 * assignee's) in its order and stops at `limit` matches, and its cost is bounded by that inbox, never by
 * the table.
 */
export function reviewConditions({ status, type, search }: ReviewFilter): Expression<SqlBool>[] {
  const eb = expressionBuilder<PlacetDatabase, 'placet_reviews'>();
  const conditions: Expression<SqlBool>[] = [];
  if (status) conditions.push(eb('placet_reviews.status', '=', status));
  if (type) conditions.push(eb('placet_reviews.type', '=', type));
  if (search) {
    const text = eb
      .selectFrom('placet_messages')
      .select('placet_messages.text')
      .whereRef('placet_messages.id', '=', 'placet_reviews.message_id');
    conditions.push(textContains(text.$asScalar(), search));
  }
  return conditions;
}
