import { PlacetError } from '../errors/placet-error.js';
import type { PluginHookName } from './context.js';
import type { PlacetPlugin, ReviewSchemas, ReviewTypeDefinition } from './types.js';

const NAME_RE = /^[a-z0-9][a-z0-9._:@/-]{0,63}$/;
const SEMVER_RE = /^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$/;
const CODE_RE = /^[A-Z][A-Z0-9_]*$/;
const ELEMENT_RE = /^[a-z][a-z0-9._]*-[a-z0-9._-]*$/;

/** The names of the hooks a plugin may declare: the after-commit hooks, then the before hooks. */
export const PLUGIN_HOOK_NAMES: readonly (PluginHookName | 'review.beforeRespond')[] = [
  'message.created',
  'message.updated',
  'review.created',
  'review.responded',
  'review.dismissed',
  'review.expired',
  'review.beforeRespond',
];

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
 * `export const audit = (options: AuditOptionsInput = {}) => definePlugin({ name: 'audit', …,
 * options: { schema: AuditOptions, input: options }, init(ctx) { ctx.options… } })`. `ctx.options` is
 * typed by `options.schema`, `ctx.error(code)` by `errorCodes`.
 */
export function definePlugin<
  const P extends PlacetPlugin<Options, Code>,
  Options = undefined,
  Code extends string = never,
>(plugin: P & PlacetPlugin<Options, Code>): P {
  if (!NAME_RE.test(plugin.name)) {
    throw new PlacetError('INVALID_PLUGIN', `Plugin name "${plugin.name}" is not a valid name`);
  }
  const fail = (problem: string): never => {
    throw new PlacetError('INVALID_PLUGIN', `Plugin "${plugin.name}": ${problem}`);
  };
  if (!SEMVER_RE.test(plugin.version)) fail(`version "${plugin.version}" is not semver`);
  const prefix = `${plugin.name.replace(/[^a-z0-9]+/gi, '_').toUpperCase()}_`;
  for (const code of Object.keys(plugin.errorCodes ?? {})) {
    if (!code.startsWith(prefix)) fail(`error code ${code} must start with ${prefix}`);
    if (!CODE_RE.test(code)) fail(`error code ${code} is not UPPER_SNAKE`);
  }
  if ('renderers' in plugin && (plugin as { renderers?: unknown }).renderers !== undefined) {
    fail(
      'renderers are not supported (the dashboard never rendered them); show custom content with a ' +
        'review type that has a ui (docs/guides/writing-a-plugin.md)',
    );
  }
  const options = plugin.options as { schema?: { safeParse?: unknown } } | undefined;
  if (options !== undefined && typeof options?.schema?.safeParse !== 'function') {
    fail('options must be { schema, input } with a zod schema');
  }
  if (plugin.init !== undefined && typeof plugin.init !== 'function') fail('init must be a function');
  for (const notifier of plugin.notifiers ?? []) {
    if (typeof notifier?.name !== 'string' || typeof notifier.send !== 'function')
      fail('each notifier needs a name and send(notification)');
  }
  if (plugin.routes !== undefined && typeof plugin.routes !== 'function')
    fail('routes must be a function (ctx) => [operations]');
  for (const [hook, fn] of Object.entries(plugin.hooks ?? {})) {
    if (!(PLUGIN_HOOK_NAMES as readonly string[]).includes(hook)) {
      fail(`unknown hook "${hook}" (hooks: ${PLUGIN_HOOK_NAMES.join(', ')})`);
    }
    if (fn !== undefined && typeof fn !== 'function') fail(`hook "${hook}" must be a function`);
  }
  for (const type of plugin.reviewTypes ?? []) defineReviewType(type);
  return plugin;
}
