import { describe, expect, it } from 'vitest';
import type { Channel } from '../../types.js';
import { type HeaderRow, planWebhookSave } from './webhook-plan.js';

const base: Channel = {
  id: 'ch_1',
  name: 'Bot',
  description: null,
  avatarUrl: null,
  webhookUrl: null,
  webhookHeaders: null,
  webhookAuth: null,
  hasSigningSecret: false,
  status: 'offline',
  statusMessage: null,
  statusSince: null,
  lastActiveAt: null,
  commands: null,
  tag: null,
  isSubagent: false,
  parentAgentId: null,
  createdAt: '2024-01-01T00:00:00.000Z',
};

const saved: Channel = {
  ...base,
  webhookUrl: 'https://hooks.example.test/a',
  webhookHeaders: { 'X-Token': '***', 'X-Other': '***' },
  webhookAuth: { username: 'bot', password: '***' },
  hasSigningSecret: true,
};

let key = 0;
const row = (name: string, value: string, original: string | null = null): HeaderRow => ({
  key: ++key,
  name,
  value,
  original,
});
const keptRows = () => [row('X-Token', '', 'X-Token'), row('X-Other', '', 'X-Other')];

describe('planWebhookSave', () => {
  it('sets a new webhook with every secret through setWebhook', () => {
    expect(
      planWebhookSave(base, {
        url: ' https://hooks.example.test/a ',
        rows: [row('X-Token', 't1'), row('', '')],
        username: 'bot',
        password: 'pw',
      }),
    ).toEqual({
      kind: 'set',
      body: {
        channelId: 'ch_1',
        url: 'https://hooks.example.test/a',
        headers: { 'X-Token': 't1' },
        auth: { username: 'bot', password: 'pw' },
      },
    });
  });

  it('never sends the *** mask: a URL change with kept secrets is a PATCH of the URL alone', () => {
    const plan = planWebhookSave(saved, {
      url: 'https://hooks.example.test/b',
      rows: keptRows(),
      username: 'bot',
      password: '',
    });
    expect(plan).toEqual({ kind: 'patch', patch: { webhookUrl: 'https://hooks.example.test/b' } });
    expect(JSON.stringify(plan)).not.toContain('***');
  });

  it('a new password with kept headers patches the auth only', () => {
    expect(
      planWebhookSave(saved, { url: saved.webhookUrl!, rows: keptRows(), username: 'bot2', password: 'new' }),
    ).toEqual({
      kind: 'patch',
      patch: { webhookUrl: saved.webhookUrl, webhookAuth: { username: 'bot2', password: 'new' } },
    });
  });

  it('clearing the username removes the auth; removing every header clears them', () => {
    expect(planWebhookSave(saved, { url: saved.webhookUrl!, rows: [], username: '', password: '' })).toEqual({
      kind: 'set',
      body: { channelId: 'ch_1', url: saved.webhookUrl },
    });
    expect(
      planWebhookSave(saved, { url: saved.webhookUrl!, rows: [], username: 'bot', password: '' }),
    ).toEqual({ kind: 'patch', patch: { webhookUrl: saved.webhookUrl, webhookHeaders: null } });
  });

  it('asks for the values of kept headers when the headers change, and for a password with a new username', () => {
    const plan = planWebhookSave(saved, {
      url: saved.webhookUrl!,
      rows: [row('X-Token', 'new', 'X-Token'), row('X-Other', '', 'X-Other'), row('X-Token', 'dup')],
      username: 'someone-else',
      password: '',
    });
    expect(plan.kind).toBe('invalid');
    if (plan.kind !== 'invalid') return;
    expect(plan.problem.issues.map((i) => i.path)).toEqual([
      'headers.X-Token',
      'headers.X-Other',
      'auth.password',
    ]);
  });
});
