import { z } from 'zod';
import { MAX_PROPOSAL_SCHEMA_BYTES, type ProposalInput } from '../contract/policy.js';
import { PlacetError } from '../errors/placet-error.js';
import { canonicalJson } from '../receipts/review-hash.js';
import type { ProposalEditsRecord, ProposalRecord } from './records.js';

type Issue = { path: string; message: string };

/** Keywords refused in a proposal's schema: their regular expressions would run on the server. */
const REFUSED_KEYWORDS = new Set(['pattern', 'patternProperties', '$ref', '$dynamicRef']);

function refusedKeyword(schema: unknown, path: string): Issue | undefined {
  if (schema === null || typeof schema !== 'object') return undefined;
  for (const [key, value] of Object.entries(schema)) {
    if (REFUSED_KEYWORDS.has(key)) return { path: `${path}.${key}`, message: `"${key}" is not supported` };
    const inner = refusedKeyword(value, `${path}.${key}`);
    if (inner) return inner;
  }
  return undefined;
}

const compiled = new WeakMap<object, z.ZodType>();

/** The zod schema of a proposal's JSON Schema (compiled once per stored object). */
function validatorOf(schema: Record<string, unknown>): z.ZodType {
  let validator = compiled.get(schema);
  if (!validator) {
    validator = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
    compiled.set(schema, validator);
  }
  return validator;
}

function schemaIssues(schema: Record<string, unknown>, value: unknown, prefix: string): Issue[] {
  const result = validatorOf(schema).safeParse(value);
  if (result.success) return [];
  return result.error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
}

/**
 * Checks an agent's proposal: every editable field exists in `value`; the schema, when given, is a JSON
 * Schema Placet can apply (at most 16 KB, no regular expressions or references) and `value` satisfies it.
 */
export function checkProposal(input: ProposalInput): ProposalRecord {
  const issues: Issue[] = [];
  for (const [index, field] of input.editable.entries())
    if (!Object.hasOwn(input.value, field))
      issues.push({
        path: `review.proposal.editable.${index}`,
        message: `"${field}" is not a field of value`,
      });
  const schema = input.schema ?? null;
  if (schema) {
    const refused = refusedKeyword(schema, 'review.proposal.schema');
    if (JSON.stringify(schema).length > MAX_PROPOSAL_SCHEMA_BYTES)
      issues.push({
        path: 'review.proposal.schema',
        message: `larger than ${MAX_PROPOSAL_SCHEMA_BYTES} bytes`,
      });
    else if (refused) issues.push(refused);
    else {
      try {
        issues.push(...schemaIssues(schema, input.value, 'review.proposal.value'));
      } catch (error) {
        issues.push({
          path: 'review.proposal.schema',
          message: `not a usable JSON Schema: ${String(error)}`,
        });
      }
    }
  }
  if (issues.length > 0)
    throw new PlacetError('VALIDATION_FAILED', issues.map((i) => `${i.path}: ${i.message}`).join('; '), {
      issues,
    });
  return { value: input.value, editable: [...new Set(input.editable)], schema };
}

/**
 * A human's edits applied to a proposal: only editable fields, and the result must still satisfy the
 * proposal's schema (`INVALID_REVIEW_RESPONSE` with the paths under `edits`). Returns the approved value
 * and one `{ path, from, to }` per field whose value changed.
 */
export function applyEdits(proposal: ProposalRecord, edits: Record<string, unknown>): ProposalEditsRecord {
  const issues: Issue[] = Object.keys(edits)
    .filter((field) => !proposal.editable.includes(field))
    .map((field) => ({ path: `edits.${field}`, message: 'not an editable field of the proposal' }));
  const value = { ...proposal.value, ...edits };
  if (issues.length === 0 && proposal.schema) issues.push(...schemaIssues(proposal.schema, value, 'edits'));
  if (issues.length > 0)
    throw new PlacetError(
      'INVALID_REVIEW_RESPONSE',
      issues.map((i) => `${i.path}: ${i.message}`).join('; '),
      {
        issues,
      },
    );
  const diff = Object.keys(edits)
    .filter((field) => canonicalJson(edits[field]) !== canonicalJson(proposal.value[field]))
    .map((field) => ({ path: field, from: proposal.value[field], to: edits[field] }));
  return { value, diff };
}
