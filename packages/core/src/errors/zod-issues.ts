import type { z } from 'zod';
import type { ErrorCode } from './codes.js';
import { type Issue, PlacetError } from './placet-error.js';

/** Joins a zod path into the dotted form used in error bodies, under an optional prefix. */
export function formatPath(path: readonly PropertyKey[], prefix?: string): string {
  const parts = path.map((p) => String(p));
  if (prefix) parts.unshift(prefix);
  return parts.join('.');
}

/** Flattens a zod error into Placet issues, one per problem, each with its full path. */
export function zodIssues(error: z.ZodError, prefix?: string): Issue[] {
  return error.issues.map((issue) => ({
    path: formatPath(issue.path, prefix),
    message: issue.message,
  }));
}

/**
 * Parses `input` with `schema`; on failure throws a PlacetError (default `VALIDATION_FAILED`) whose issues
 * carry the path of each problem, prefixed with `prefix` when given.
 */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  input: unknown,
  options: { code?: ErrorCode; prefix?: string; message?: string } = {},
): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = zodIssues(result.error, options.prefix);
  const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
  throw new PlacetError(
    options.code ?? 'VALIDATION_FAILED',
    options.message ?? `Validation failed: ${summary}`,
    {
      issues,
    },
  );
}

/**
 * Parses options with their schema; invalid ones throw `INVALID_OPTIONS` naming `what` and the path of
 * each problem, never the values (options may hold secrets).
 */
export function parseOptions<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    path: formatPath(issue.path),
    message: issue.message,
  }));
  throw new PlacetError(
    'INVALID_OPTIONS',
    `Invalid ${what}: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`,
    { issues },
  );
}
