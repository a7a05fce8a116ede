import { describe, expect, it } from 'vitest';
import {
  Channel,
  ChannelCommands,
  ChannelCreate,
  ChannelUpdate,
  MANAGEMENT_BOTH_OR_NEITHER,
  SetManagement,
  SetSubagent,
  SetTag,
  SetWebhook,
  StatusPing,
  SUBAGENT_PARENT_FORBIDDEN,
  SUBAGENT_PARENT_REQUIRED,
  SUBAGENT_SELF_PARENT,
} from './channel.js';

type Parsed = { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } };
const issues = (result: Parsed) =>
  (result.error?.issues ?? []).map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
const paths = (result: Parsed) => issues(result).map((issue) => issue.path);

describe('ChannelCreate and ChannelUpdate', () => {
  it('accepts a minimal channel and bounds every field', () => {
    expect(ChannelCreate.safeParse({ name: 'Build bot' }).success).toBe(true);
    expect(paths(ChannelCreate.safeParse({ name: '' }))).toEqual(['name']);
    expect(paths(ChannelCreate.safeParse({ name: 'x'.repeat(201) }))).toEqual(['name']);
    expect(paths(ChannelCreate.safeParse({ name: 'a', description: 'x'.repeat(2001) }))).toEqual([
      'description',
    ]);
    expect(paths(ChannelCreate.safeParse({ name: 'a', tag: 'x'.repeat(65) }))).toEqual(['tag']);
    expect(paths(ChannelCreate.safeParse({ name: 'a', avatarUrl: 'not a url' }))).toEqual(['avatarUrl']);
    expect(paths(ChannelCreate.safeParse({ name: 'a', webhookUrl: 'ftp://example.com' }))).toEqual([
      'webhookUrl',
    ]);
  });

  it('lets PATCH clear fields with null and keeps absent fields absent', () => {
    const result = ChannelUpdate.safeParse({
      description: null,
      avatarUrl: null,
      webhookUrl: null,
      webhookHeaders: null,
      webhookAuth: null,
      tag: null,
      ownerId: 'stripped',
    });
    expect(result.data).toEqual({
      description: null,
      avatarUrl: null,
      webhookUrl: null,
      webhookHeaders: null,
      webhookAuth: null,
      tag: null,
    });
    expect(ChannelUpdate.safeParse({}).data).toEqual({});
    expect(paths(ChannelUpdate.safeParse({ name: null }))).toEqual(['name']);
  });

  it('rejects header names and values that could not be sent', () => {
    expect(ChannelUpdate.safeParse({ webhookHeaders: { 'X-Token': 'abc' } }).success).toBe(true);
    expect(ChannelUpdate.safeParse({ webhookHeaders: { 'Bad Header': 'abc' } }).success).toBe(false);
    expect(ChannelUpdate.safeParse({ webhookHeaders: { 'X-Token': 'a\r\nX-Evil: 1' } }).success).toBe(false);
  });
});

describe('SetWebhook', () => {
  const base = { url: 'https://agent.example.com/hook', channelId: 'ch_child' };

  it('accepts a plain webhook and keeps management so the HTTP layer can refuse it', () => {
    expect(SetWebhook.safeParse(base).success).toBe(true);
    const withManagement = SetWebhook.safeParse({
      ...base,
      management: { url: 'https://runtime.example.com', apiKey: 'k' },
    });
    expect(withManagement.success).toBe(true);
    expect((withManagement.data as { management?: unknown }).management).toEqual({
      url: 'https://runtime.example.com',
      apiKey: 'k',
    });
    expect(
      paths(SetWebhook.safeParse({ ...base, management: { url: 'https://r.example.com', apiKey: '' } })),
    ).toEqual(['management.apiKey']);
  });

  it('requires parentChannelId iff isSubagent is true, and never the channel itself', () => {
    expect(SetWebhook.safeParse({ ...base, isSubagent: true, parentChannelId: 'ch_parent' }).success).toBe(
      true,
    );
    expect(issues(SetWebhook.safeParse({ ...base, isSubagent: true }))).toEqual([
      { path: 'parentChannelId', message: SUBAGENT_PARENT_REQUIRED },
    ]);
    expect(issues(SetWebhook.safeParse({ ...base, parentChannelId: 'ch_parent' }))).toEqual([
      { path: 'parentChannelId', message: SUBAGENT_PARENT_FORBIDDEN },
    ]);
    expect(
      issues(SetWebhook.safeParse({ ...base, isSubagent: false, parentChannelId: 'ch_parent' })),
    ).toEqual([{ path: 'parentChannelId', message: SUBAGENT_PARENT_FORBIDDEN }]);
    expect(issues(SetWebhook.safeParse({ ...base, isSubagent: true, parentChannelId: 'ch_child' }))).toEqual([
      { path: 'parentChannelId', message: SUBAGENT_SELF_PARENT },
    ]);
  });

  it('requires an http(s) url and a channelId', () => {
    expect(paths(SetWebhook.safeParse({ ...base, url: 'file:///etc/passwd' }))).toEqual(['url']);
    expect(paths(SetWebhook.safeParse({ url: base.url }))).toEqual(['channelId']);
  });
});

describe('SetSubagent, SetTag and SetManagement', () => {
  it('applies the sub-agent rules', () => {
    expect(SetSubagent.safeParse({ channelId: 'a', isSubagent: true, parentChannelId: 'b' }).success).toBe(
      true,
    );
    expect(SetSubagent.safeParse({ channelId: 'a', isSubagent: false }).success).toBe(true);
    expect(SetSubagent.safeParse({ channelId: 'a', isSubagent: false, parentChannelId: null }).success).toBe(
      true,
    );
    expect(
      issues(SetSubagent.safeParse({ channelId: 'a', isSubagent: true, parentChannelId: null })),
    ).toEqual([{ path: 'parentChannelId', message: SUBAGENT_PARENT_REQUIRED }]);
    expect(issues(SetSubagent.safeParse({ channelId: 'a', isSubagent: true, parentChannelId: 'a' }))).toEqual(
      [{ path: 'parentChannelId', message: SUBAGENT_SELF_PARENT }],
    );
    expect(paths(SetSubagent.safeParse({ channelId: 'a' }))).toEqual(['isSubagent']);
  });

  it('takes a tag or null', () => {
    expect(SetTag.safeParse({ channelId: 'a', tag: null }).success).toBe(true);
    expect(paths(SetTag.safeParse({ channelId: 'a', tag: 'x'.repeat(65) }))).toEqual(['tag']);
    expect(paths(SetTag.safeParse({ channelId: 'a' }))).toEqual(['tag']);
  });

  it('wants management url and apiKey both set or both null', () => {
    expect(
      SetManagement.safeParse({ channelId: 'a', url: 'https://r.example.com', apiKey: 'k' }).success,
    ).toBe(true);
    expect(SetManagement.safeParse({ channelId: 'a', url: null, apiKey: null }).success).toBe(true);
    expect(
      issues(SetManagement.safeParse({ channelId: 'a', url: 'https://r.example.com', apiKey: null })),
    ).toEqual([{ path: '', message: MANAGEMENT_BOTH_OR_NEITHER }]);
    expect(paths(SetManagement.safeParse({ channelId: 'a', url: null, apiKey: '' }))).toContain('apiKey');
  });
});

describe('ChannelCommands', () => {
  it('bounds commands', () => {
    const command = { command: 'deploy', description: 'Deploy the app', acceptsArgs: true, argHint: '<env>' };
    expect(ChannelCommands.safeParse({ commands: [command] }).success).toBe(true);
    expect(paths(ChannelCommands.safeParse({ commands: [{ ...command, command: '' }] }))).toEqual([
      'commands.0.command',
    ]);
    expect(
      paths(ChannelCommands.safeParse({ commands: [{ ...command, description: 'x'.repeat(501) }] })),
    ).toEqual(['commands.0.description']);
    expect(
      paths(ChannelCommands.safeParse({ commands: Array.from({ length: 101 }, () => command) })),
    ).toEqual(['commands']);
  });
});

describe('StatusPing', () => {
  it.each(['active', 'busy', 'error', 'offline'])('accepts status %s', (status) => {
    expect(StatusPing.safeParse({ agentId: 'a', status }).success).toBe(true);
  });

  it('rejects an unknown status and an overlong message', () => {
    expect(paths(StatusPing.safeParse({ agentId: 'a', status: 'idle' }))).toEqual(['status']);
    expect(StatusPing.safeParse({ agentId: 'a', status: 'busy', message: 'x'.repeat(500) }).success).toBe(
      true,
    );
    expect(paths(StatusPing.safeParse({ agentId: 'a', status: 'busy', message: 'x'.repeat(501) }))).toEqual([
      'message',
    ]);
    expect(paths(StatusPing.safeParse({ agentId: '', status: 'busy' }))).toEqual(['agentId']);
  });
});

describe('Channel response', () => {
  const channel = {
    id: 'ch_1',
    name: 'Bot',
    description: null,
    avatarUrl: 'avatars/ch_1/1700000000',
    webhookUrl: 'https://agent.example.com/hook',
    webhookHeaders: { Authorization: '***' },
    webhookAuth: { username: 'bot', password: '***' },
    hasSigningSecret: true,
    status: 'offline',
    statusMessage: null,
    statusSince: null,
    lastActiveAt: null,
    commands: null,
    tag: null,
    isSubagent: false,
    parentAgentId: null,
    createdAt: '2025-01-01T00:00:00.000Z',
  };

  it('accepts a masked channel and rejects one that leaks a secret', () => {
    expect(Channel.safeParse(channel).success).toBe(true);
    expect(
      paths(Channel.safeParse({ ...channel, webhookAuth: { username: 'bot', password: 'hunter2' } })),
    ).toEqual(['webhookAuth.password']);
    expect(paths(Channel.safeParse({ ...channel, webhookHeaders: { Authorization: 'Bearer x' } }))).toEqual([
      'webhookHeaders.Authorization',
    ]);
  });

  it('drops fields that are not part of the response', () => {
    const result = Channel.safeParse({
      ...channel,
      managementApiKey: 'secret',
      ownerId: 'u1',
      webhookSecret: 'w',
    });
    expect(result.data).not.toHaveProperty('managementApiKey');
    expect(result.data).not.toHaveProperty('webhookSecret');
  });
});
