import { PlacetError } from '../errors/placet-error.js';
import type { PlacetPlugin, ReviewSchemas, ReviewTypeDefinition } from './types.js';

const NAME_RE = /^[a-z0-9][a-z0-9._:@/-]{0,63}$/;
const SEMVER_RE = /^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$/;
const ELEMENT_RE = /^[a-z][a-z0-9._]*-[a-z0-9._-]*$/;

/** The checks that {@link defineReviewSchemas} and {@link defineReviewType} share. */
function checkSchemas(schemas: { type: string; response: unknown }): void {
  if (!NAME_RE.test(schemas.type)) {
    throw new PlacetError('INVALID_PLUGIN', `Review type name "${schemas.type}" is not a valid name`);
  }
  if (typeof schemas.response !== 'function') {
    throw new PlacetError('INVALID_PLUGIN', `Review type "${schemas.type}" must declare response(payload)`);
  }
}

/**
 * Declares the schemas of a review type once, for the server and the browser alike (export it from a
 * browser-safe `schema.ts`): `defineReviewType({ ...schemas, summarize, ui })` on the server, and
 * `definition = schemas` in the type's `PlacetReviewElement`. Returns them unchanged (typed), after the
 * same checks as {@link defineReviewType}.
 */
export function defineReviewSchemas<Payload, Response>(
  schemas: ReviewSchemas<Payload, Response>,
): ReviewSchemas<Payload, Response> {
  checkSchemas(schemas);
  return schemas;
}

/**
 * Declares a review type. Returns the definition unchanged (typed), after checking its shape so that
 * a malformed type fails where it is written, not at the first request.
 */
export function defineReviewType<Payload, Response>(
  definition: ReviewTypeDefinition<Payload, Response>,
): ReviewTypeDefinition<Payload, Response> {
  checkSchemas(definition);
  if (definition.ui && !ELEMENT_RE.test(definition.ui.element)) {
    throw new PlacetError(
      'INVALID_PLUGIN',
      `Review type "${definition.type}": ui.element "${definition.ui.element}" is not a custom element name`,
    );
  }
  return definition;
}

/**
 * Declares a plugin. Plugins are made by factories so that options are typed:
 * `export const approval = (options: ApprovalOptions = {}) => definePlugin({ name: 'approval', … })`.
 */
export function definePlugin<const P extends PlacetPlugin>(plugin: P): P {
  if (!NAME_RE.test(plugin.name)) {
    throw new PlacetError('INVALID_PLUGIN', `Plugin name "${plugin.name}" is not a valid name`);
  }
  if (!SEMVER_RE.test(plugin.version)) {
    throw new PlacetError(
      'INVALID_PLUGIN',
      `Plugin "${plugin.name}": version "${plugin.version}" is not semver`,
    );
  }
  const prefix = `${plugin.name.replace(/[^a-z0-9]+/gi, '_').toUpperCase()}_`;
  for (const code of Object.keys(plugin.errorCodes ?? {})) {
    if (!code.startsWith(prefix)) {
      throw new PlacetError(
        'INVALID_PLUGIN',
        `Plugin "${plugin.name}": error code ${code} must start with ${prefix}`,
      );
    }
  }
  for (const type of plugin.reviewTypes ?? []) defineReviewType(type);
  return plugin;
}
