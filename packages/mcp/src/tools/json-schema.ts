import { z } from '@placet/core/contract';

/**
 * A tool argument from a JSON Schema the server published (a review type's `payloadSchema`, a plugin's
 * `inputSchema`), so the model sees the schema and the MCP SDK checks arguments against it. A schema zod
 * cannot rebuild becomes "any JSON object": the Placet server still validates it and answers which path
 * is wrong.
 */
export function argFromJsonSchema(schema: Record<string, unknown>, description: string): z.ZodType {
  try {
    return z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]).describe(description);
  } catch {
    return z.record(z.string(), z.unknown()).describe(description);
  }
}
