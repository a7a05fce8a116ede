import { describe, expect, it } from 'vitest';
import {
  MESSAGE_CONTENT_REQUIRED,
  Message,
  MessageCreate,
  MessageListQuery,
  StatusStepCreate,
  StreamPatch,
  USER_MESSAGE_CONTENT_REQUIRED,
  UserMessageCreate,
} from './message.js';

const channelId = 'ch_1';

function issuePaths(result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }): string[] {
  return (result.error?.issues ?? []).map((issue) => issue.path.join('.'));
}

describe('MessageCreate', () => {
  it.each([
    ['text', { text: 'hello' }],
    ['status', { status: 'success' }],
    ['review', { review: { type: 'approval' } }],
    ['attachmentIds', { attachmentIds: ['file_1'] }],
    ['textAttachments', { textAttachments: [{ content: '# Report' }] }],
  ])('accepts a minimal body with only %s', (_kind, content) => {
    const result = MessageCreate.safeParse({ channelId, ...content });
    expect(result.success).toBe(true);
  });

  it.each([
    ['nothing', {}],
    ['empty text', { text: '' }],
    ['empty attachmentIds', { attachmentIds: [] }],
    ['empty textAttachments', { textAttachments: [] }],
    ['empty arrays and metadata only', { attachmentIds: [], textAttachments: [], metadata: { a: 1 } }],
    ['stream fields only', { streamId: 's1', streamState: 'streaming' }],
  ])('rejects a body without content (%s)', (_kind, content) => {
    const result = MessageCreate.safeParse({ channelId, ...content });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message)).toEqual([MESSAGE_CONTENT_REQUIRED]);
  });

  it('requires a non-empty channelId', () => {
    expect(issuePaths(MessageCreate.safeParse({ text: 'hi' }))).toContain('channelId');
    expect(issuePaths(MessageCreate.safeParse({ channelId: '', text: 'hi' }))).toContain('channelId');
  });

  it('strips unknown top-level keys but keeps unknown keys in metadata and review.payload', () => {
    const result = MessageCreate.safeParse({
      channelId,
      text: 'Deploy?',
      ownerId: 'someone-else',
      senderType: 'user',
      metadata: { buildId: 'b-1', nested: { deep: true } },
      review: {
        type: 'approval',
        label: 'stripped like the original',
        payload: { options: [{ id: 'yes', label: 'Yes' }], customFlag: 42 },
      },
    });
    expect(result.success).toBe(true);
    const data = result.data!;
    expect(data).not.toHaveProperty('ownerId');
    expect(data).not.toHaveProperty('senderType');
    expect(data.metadata).toEqual({ buildId: 'b-1', nested: { deep: true } });
    expect(data.review?.payload).toEqual({ options: [{ id: 'yes', label: 'Yes' }], customFlag: 42 });
    expect(data.review).not.toHaveProperty('label');
  });

  it('reports a bad status at path `status`', () => {
    const result = MessageCreate.safeParse({ channelId, text: 'x', status: 'critical' });
    expect(result.success).toBe(false);
    expect(issuePaths(result)).toEqual(['status']);
  });

  it('rejects an unknown streamState such as `interrupted`', () => {
    const result = MessageCreate.safeParse({
      channelId,
      text: 'x',
      streamId: 's1',
      streamState: 'interrupted',
    });
    expect(result.success).toBe(false);
    expect(issuePaths(result)).toEqual(['streamState']);
    expect(MessageCreate.safeParse({ channelId, text: 'x', streamState: 'aborted' }).success).toBe(true);
  });

  it('fills textAttachments defaults and rejects empty content or filename', () => {
    const result = MessageCreate.safeParse({
      channelId,
      textAttachments: [{ content: 'a' }, { content: 'b', filename: 'b.csv', mimeType: 'text/csv' }],
    });
    expect(result.data?.textAttachments).toEqual([
      { content: 'a', filename: 'content.md', mimeType: 'text/markdown' },
      { content: 'b', filename: 'b.csv', mimeType: 'text/csv' },
    ]);
    expect(issuePaths(MessageCreate.safeParse({ channelId, textAttachments: [{ content: '' }] }))).toContain(
      'textAttachments.0.content',
    );
    expect(
      issuePaths(MessageCreate.safeParse({ channelId, textAttachments: [{ content: 'a', filename: '' }] })),
    ).toContain('textAttachments.0.filename');
  });

  it('enforces the list and length limits', () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `f${i}`);
    expect(MessageCreate.safeParse({ channelId, attachmentIds: ids(100) }).success).toBe(true);
    expect(issuePaths(MessageCreate.safeParse({ channelId, attachmentIds: ids(101) }))).toEqual([
      'attachmentIds',
    ]);
    const many = Array.from({ length: 21 }, () => ({ content: 'x' }));
    expect(issuePaths(MessageCreate.safeParse({ channelId, textAttachments: many }))).toEqual([
      'textAttachments',
    ]);
    expect(MessageCreate.safeParse({ channelId, text: 'x'.repeat(1_000_001) }).success).toBe(false);
    expect(issuePaths(MessageCreate.safeParse({ channelId, text: 'x', clientId: '' }))).toEqual(['clientId']);
    expect(issuePaths(MessageCreate.safeParse({ channelId, text: 'x', streamId: 'x'.repeat(201) }))).toEqual([
      'streamId',
    ]);
  });

  it('accepts only http(s) webhook URLs', () => {
    expect(
      MessageCreate.safeParse({ channelId, text: 'x', webhookUrl: 'https://hooks.example.com/a' }).success,
    ).toBe(true);
    expect(
      MessageCreate.safeParse({ channelId, text: 'x', webhookUrl: 'http://127.0.0.1:4000/hook' }).success,
    ).toBe(true);
    for (const bad of ['ftp://example.com/x', 'javascript:alert(1)', 'http:example.com', 'not a url']) {
      expect(issuePaths(MessageCreate.safeParse({ channelId, text: 'x', webhookUrl: bad }))).toEqual([
        'webhookUrl',
      ]);
    }
    const long = `https://example.com/${'a'.repeat(2048)}`;
    expect(issuePaths(MessageCreate.safeParse({ channelId, text: 'x', webhookUrl: long }))).toEqual([
      'webhookUrl',
    ]);
  });

  it('accepts and keeps streamStartedAt, and types expiresInSeconds as a number', () => {
    const ok = MessageCreate.safeParse({ channelId, text: 'x', streamStartedAt: '2024-01-01T00:00:00Z' });
    expect(ok.success).toBe(true);
    const bad = MessageCreate.safeParse({ channelId, review: { type: 'approval', expiresInSeconds: '60' } });
    expect(issuePaths(bad)).toEqual(['review.expiresInSeconds']);
    // Any number passes the contract; resolveReviewExpiry answers with the original's 400 text.
    expect(
      MessageCreate.safeParse({ channelId, review: { type: 'approval', expiresInSeconds: -1 } }).success,
    ).toBe(true);
  });

  it('requires a non-empty review type and validates the callback', () => {
    expect(issuePaths(MessageCreate.safeParse({ channelId, review: { type: '' } }))).toEqual(['review.type']);
    const withCallback = MessageCreate.safeParse({
      channelId,
      review: { type: 'approval', callback: { url: 'https://cb.example.com', method: 'put' } },
    });
    expect(withCallback.data?.review?.callback).toEqual({ url: 'https://cb.example.com', method: 'PUT' });
    const badMethod = MessageCreate.safeParse({
      channelId,
      review: { type: 'approval', callback: { url: 'https://cb.example.com', method: 'TRACE' } },
    });
    expect(issuePaths(badMethod)).toEqual(['review.callback.method']);
  });
});

describe('UserMessageCreate', () => {
  it('needs text or attachments', () => {
    expect(UserMessageCreate.safeParse({ channelId, text: 'hi' }).success).toBe(true);
    expect(UserMessageCreate.safeParse({ channelId, attachmentIds: ['f1'] }).success).toBe(true);
    const empty = UserMessageCreate.safeParse({ channelId, text: '', attachmentIds: [] });
    expect(empty.error?.issues.map((issue) => issue.message)).toEqual([USER_MESSAGE_CONTENT_REQUIRED]);
  });

  it('does not let a human set agent-only fields', () => {
    const result = UserMessageCreate.safeParse({
      channelId,
      text: 'hi',
      status: 'error',
      review: { type: 'x' },
    });
    expect(result.data).toEqual({ channelId, text: 'hi' });
  });
});

describe('StreamPatch and StatusStepCreate', () => {
  it('parses a stream patch and rejects a bad streamState', () => {
    expect(StreamPatch.safeParse({ channelId, text: '', complete: true }).success).toBe(true);
    expect(issuePaths(StreamPatch.safeParse({ channelId, text: 'x', streamState: 'interrupted' }))).toEqual([
      'streamState',
    ]);
    expect(issuePaths(StreamPatch.safeParse({ channelId }))).toEqual(['text']);
  });

  it('defaults toolHint to false and bounds the text', () => {
    expect(StatusStepCreate.safeParse({ channelId, text: 'Reading files' }).data).toEqual({
      channelId,
      text: 'Reading files',
      toolHint: false,
    });
    expect(issuePaths(StatusStepCreate.safeParse({ channelId, text: '' }))).toEqual(['text']);
    expect(issuePaths(StatusStepCreate.safeParse({ channelId, text: 'x'.repeat(2001) }))).toEqual(['text']);
  });
});

describe('MessageListQuery', () => {
  const parse = (query: Record<string, unknown>) =>
    MessageListQuery.safeParse({ channel: channelId, ...query });

  it('defaults, floors and clamps limit', () => {
    expect(parse({}).data?.limit).toBe(50);
    expect(parse({ limit: '' }).data?.limit).toBe(50);
    expect(parse({ limit: '20' }).data?.limit).toBe(20);
    expect(parse({ limit: 20 }).data?.limit).toBe(20);
    expect(parse({ limit: '10.9' }).data?.limit).toBe(10);
    expect(parse({ limit: '100' }).data?.limit).toBe(100);
    expect(parse({ limit: '500' }).data?.limit).toBe(100);
    expect(parse({ limit: 1 }).data?.limit).toBe(1);
  });

  it.each(['0', '-3', 'abc', '12abc', 0, -1, Number.NaN, '0.5'])(
    'rejects limit %s at path `limit`',
    (limit) => {
      const result = parse({ limit });
      expect(result.success).toBe(false);
      expect(issuePaths(result)).toEqual(['limit']);
    },
  );

  it('reads has_attachments leniently', () => {
    expect(parse({ has_attachments: 'true' }).data?.has_attachments).toBe(true);
    for (const value of [undefined, 'false', '1', 'TRUE', '', ['true', 'true']]) {
      const result = parse({ has_attachments: value });
      expect(result.success).toBe(true);
      expect(result.data?.has_attachments).toBe(false);
    }
  });

  it('requires channel and bounds search', () => {
    expect(issuePaths(MessageListQuery.safeParse({}))).toEqual(['channel']);
    expect(parse({ search: 'deploy', cursor: 'msg_1' }).data).toMatchObject({
      search: 'deploy',
      cursor: 'msg_1',
    });
    expect(issuePaths(parse({ search: 'x'.repeat(501) }))).toEqual(['search']);
  });
});

describe('Message', () => {
  it('parses a full response row and strips internal fields', () => {
    const row = {
      id: 'msg_1',
      channelId,
      ownerId: 'user_1',
      senderType: 'agent',
      senderId: channelId,
      text: 'hi',
      status: null,
      review: null,
      metadata: null,
      clientId: null,
      streamId: null,
      streamState: null,
      deliveryStatus: 'sent',
      iterationGroupId: null,
      iteration: null,
      createdAt: '2024-05-01T10:00:00.000Z',
      updatedAt: '2024-05-01T10:00:00.000Z',
      attachments: [],
    };
    const result = Message.safeParse(row);
    expect(result.success).toBe(true);
    expect(result.data).not.toHaveProperty('ownerId');
    expect(Message.safeParse({ ...row, deliveryStatus: 'read' }).success).toBe(false);
  });
});
