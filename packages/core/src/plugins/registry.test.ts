import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isPlacetError } from '../errors/placet-error.js';
import { definePlugin, defineReviewType } from './define.js';
import { PluginRegistry } from './registry.js';

const vote = defineReviewType({
  type: 'vote',
  payload: z.looseObject({ choices: z.array(z.string()).min(1), dismissLabel: z.string().optional() }),
  response: (payload: { choices: string[] }) =>
    z.strictObject({ choice: z.enum(payload.choices as [string]) }),
  responseSchema: z.object({ choice: z.string() }),
});
const votePlugin = () => definePlugin({ name: 'vote', version: '1.0.0', reviewTypes: [vote] });

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isPlacetError(error) ? error.code : 'not-a-placet-error';
  }
  return undefined;
}

describe('PluginRegistry', () => {
  it('rejects duplicate plugin names, duplicate review types and missing dependencies', () => {
    expect(codeOf(() => new PluginRegistry([votePlugin(), votePlugin()]))).toBe('DUPLICATE_PLUGIN');
    const clash = definePlugin({ name: 'other', version: '1.0.0', reviewTypes: [vote] });
    expect(codeOf(() => new PluginRegistry([votePlugin(), clash]))).toBe('DUPLICATE_REVIEW_TYPE');
    const needy = definePlugin({ name: 'needy', version: '1.0.0', dependencies: ['missing'] });
    expect(codeOf(() => new PluginRegistry([needy]))).toBe('PLUGIN_DEPENDENCY_MISSING');
  });

  it('answers an unknown review type with a 400 that names the registered types', () => {
    const registry = new PluginRegistry([votePlugin()]);
    try {
      registry.reviewType('approve');
      expect.unreachable();
    } catch (error) {
      expect(isPlacetError(error) && error.status).toBe(400);
      expect((error as Error).message).toContain('Registered types: vote');
    }
  });

  it('validates payloads keeping unknown keys, and responses against the payload', () => {
    const registry = new PluginRegistry([votePlugin()]);
    const payload = registry.parsePayload('vote', { choices: ['a', 'b'], extra: { kept: true } });
    expect(payload.extra).toEqual({ kept: true });
    expect(registry.parseResponse('vote', payload, { choice: 'a' })).toEqual({ choice: 'a' });
    expect(codeOf(() => registry.parseResponse('vote', payload, { choice: 'c' }))).toBe(
      'INVALID_REVIEW_RESPONSE',
    );
    try {
      registry.parsePayload('vote', { choices: [] });
    } catch (error) {
      expect(isPlacetError(error) && error.issues?.[0]?.path).toBe('review.payload.choices');
    }
  });

  it('accepts { _dismissed: true } only when the payload has a dismissLabel', () => {
    const registry = new PluginRegistry([votePlugin()]);
    expect(codeOf(() => registry.parseResponse('vote', { choices: ['a'] }, { _dismissed: true }))).toBe(
      'INVALID_REVIEW_RESPONSE',
    );
    expect(
      registry.parseResponse('vote', { choices: ['a'], dismissLabel: 'Skip' }, { _dismissed: true }),
    ).toEqual({
      _dismissed: true,
    });
  });

  it('publishes manifests with JSON Schemas and no inputSchema', () => {
    const registry = new PluginRegistry([votePlugin()]);
    const manifest = registry.manifest('vote');
    expect(manifest?.reviewTypes[0]?.payloadSchema).toMatchObject({ type: 'object' });
    expect(manifest?.reviewTypes[0]?.responseSchema).toMatchObject({
      properties: { choice: { type: 'string' } },
    });
    expect(manifest).not.toHaveProperty('inputSchema');
    expect(registry.jsonSchemas('vote', { choices: ['x'] }).response).toMatchObject({
      properties: { choice: { enum: ['x'] } },
    });
  });

  it("publishes a renderer plugin's inputSchema as JSON Schema in its manifest", () => {
    const chart = definePlugin({
      name: 'bar-chart',
      version: '1.0.0',
      inputSchema: z.object({ title: z.string().min(1), values: z.array(z.number()).max(50) }),
    });
    const registry = new PluginRegistry([votePlugin(), chart]);
    expect(registry.manifest('bar-chart')?.inputSchema).toMatchObject({
      type: 'object',
      properties: { title: { type: 'string', minLength: 1 }, values: { type: 'array', maxItems: 50 } },
      required: ['title', 'values'],
    });
    expect(registry.manifest('bar-chart')?.reviewTypes).toEqual([]);
  });

  it('parses the options of each plugin once, defaults applied; the manifest lists no renderers', () => {
    const Options = z.object({ limit: z.number().int().default(5), label: z.string().optional() });
    const configurable = definePlugin({
      name: 'configurable',
      version: '1.0.0',
      options: { schema: Options, input: { label: 'x' } },
    });
    const registry = new PluginRegistry([votePlugin(), configurable]);
    expect(registry.options('configurable')).toEqual({ limit: 5, label: 'x' });
    expect(registry.options('vote')).toBeUndefined();
    expect(registry.manifest('vote')?.renderers).toEqual([]);
  });
});
