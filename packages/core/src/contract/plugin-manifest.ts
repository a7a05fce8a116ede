import { z } from 'zod';

/** JSON Schema document (draft 2020-12) as produced by `z.toJSONSchema`. */
export const JsonSchemaDocument = z.record(z.string(), z.unknown());

export const ReviewTypeManifest = z.object({
  type: z.string(),
  displayName: z.string().optional(),
  description: z.string().optional(),
  /** JSON Schema of the agent's `review.payload`. */
  payloadSchema: JsonSchemaDocument,
  /** JSON Schema of a human `response`, independent of a particular payload. */
  responseSchema: JsonSchemaDocument,
  /**
   * The browser UI: a custom element `element` defined by the ES module at `module` (a URL path the
   * router serves from the plugin, e.g. `/api/v1/plugins/approval/ui/approval`).
   */
  ui: z.object({ element: z.string(), module: z.string().optional() }).optional(),
});
export type ReviewTypeManifest = z.infer<typeof ReviewTypeManifest>;

export const RendererManifest = z.object({
  name: z.string(),
  displayName: z.string().optional(),
  description: z.string().optional(),
  inputSchema: JsonSchemaDocument.optional(),
});
export type RendererManifest = z.infer<typeof RendererManifest>;

/**
 * What `GET /api/v1/plugins` lists. Compatible with the original's manifest (`name`, `displayName`,
 * `description`, `version`, `author`, `inputSchema`). Only a plugin that renders `freeform` reviews
 * addressed to it (`payload.plugin`) publishes a top-level `inputSchema`, the JSON Schema of what it
 * renders: MCP servers (ours and the original's) turn each into a `send_<name>_message` tool. Review-type
 * plugins publish their schemas per review type instead.
 */
export const PluginManifest = z.object({
  name: z.string(),
  version: z.string(),
  displayName: z.string(),
  description: z.string().optional(),
  author: z.string().optional(),
  reviewTypes: z.array(ReviewTypeManifest),
  renderers: z.array(RendererManifest),
  /** JSON Schema of the data of `freeform` reviews this plugin renders (`payload.plugin` = `name`). */
  inputSchema: JsonSchemaDocument.optional(),
});
export type PluginManifest = z.infer<typeof PluginManifest>;
