import { afterEach, describe, expect, it } from 'vitest';
import { choiceReview, codeOf, type World, world } from './fixtures.js';

let w: World;
afterEach(async () => w?.placet.stop());

describe('messages', () => {
  it('creates an agent message and reads it back; unknown or foreign ids are 404', async () => {
    w = await world();
    const msg = await w.placet.messages.create(w.agent, {
      channelId: w.channelId,
      text: '## Build',
      status: 'success',
      metadata: { buildId: 'b1' },
    });
    expect(msg).toMatchObject({
      channelId: w.channelId,
      senderType: 'agent',
      senderId: w.channelId,
      text: '## Build',
      status: 'success',
      deliveryStatus: 'sent',
      review: null,
      agentName: 'deploy-bot',
    });
    expect(msg.id).toMatch(/^[a-z0-9]{20,}$/);
    expect(await w.placet.messages.get(w.agent, msg.id, w.channelId)).toMatchObject({
      id: msg.id,
      metadata: { buildId: 'b1' },
    });

    // A second owner sees nothing of the first: 404, never 403.
    const other = await w.placet.users.create({
      email: 'other@example.test',
      displayName: 'Other',
      password: 'password-2',
    });
    const otherAgent = (await w.placet.authenticate({
      apiKey: (await w.placet.apiKeys.create(other.id)).key,
    }))!;
    expect(await codeOf(w.placet.messages.get(otherAgent, msg.id))).toBe('NOT_FOUND');
    expect(await codeOf(w.placet.messages.create(otherAgent, { channelId: w.channelId, text: 'x' }))).toBe(
      'NOT_FOUND',
    );
    expect(await codeOf(w.placet.messages.get(w.agent, 'cunknownunknownunknown1'))).toBe('NOT_FOUND');
    expect(await codeOf(w.placet.messages.get(w.agent, msg.id, 'cotherchannelotherchannel'))).toBe(
      'NOT_FOUND',
    );
  });

  it('rejects an empty message and an unknown review type with the registered types named', async () => {
    w = await world();
    expect(await codeOf(w.placet.messages.create(w.agent, { channelId: w.channelId }))).toBe(
      'VALIDATION_FAILED',
    );
    await expect(
      w.placet.messages.create(w.agent, { channelId: w.channelId, review: { type: 'approve' } }),
    ).rejects.toThrow(/Registered types: choice, freeform/);
    await expect(
      w.placet.messages.create(w.agent, {
        channelId: w.channelId,
        review: { type: 'choice', payload: { options: [] } },
      }),
    ).rejects.toMatchObject({
      code: 'INVALID_REVIEW_PAYLOAD',
      issues: [{ path: 'review.payload.options' }],
    });
  });

  it('deduplicates by clientId, also under 20 concurrent creates', async () => {
    w = await world();
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        w.placet.messages.create(w.agent, { channelId: w.channelId, text: 'once', clientId: 'turn-1' }),
      ),
    );
    expect(new Set(results.map((m) => m.id)).size).toBe(1);
    const page = await w.placet.messages.list(w.agent, { channel: w.channelId });
    expect(page.data).toHaveLength(1);
  });

  it('stores textAttachments as files and inlines small text content', async () => {
    w = await world();
    const msg = await w.placet.messages.create(w.agent, {
      channelId: w.channelId,
      textAttachments: [{ content: '# Report\nAll good', filename: '../../etc/report.md' }],
    });
    expect(msg.attachments).toHaveLength(1);
    expect(msg.attachments[0]).toMatchObject({
      filename: 'report.md',
      mimeType: 'text/markdown',
      size: 17,
      textContent: '# Report\nAll good',
      messageId: msg.id,
    });
    const stored = await w.placet.options.files.get(`channels/${w.channelId}/${msg.attachments[0]!.id}`);
    expect(stored?.size).toBe(17);
  });

  it("links only the channel's own orphan files; unknown ids are a 400 naming them", async () => {
    w = await world();
    const carrier = await w.placet.messages.create(w.agent, {
      channelId: w.channelId,
      textAttachments: [{ content: 'x' }],
    });
    const linkedId = carrier.attachments[0]!.id; // Not an orphan any more.
    const err = await w.placet.messages
      .create(w.agent, {
        channelId: w.channelId,
        text: 'see file',
        attachmentIds: [linkedId, 'cnopenopenopenopenope1'],
      })
      .catch((e) => e);
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(err.message).toContain('cnopenopenopenopenope1');
    expect(err.issues.map((i: { path: string }) => i.path)).toEqual(['attachmentIds.0', 'attachmentIds.1']);
    expect((await w.placet.messages.list(w.agent, { channel: w.channelId })).data).toHaveLength(1); // Nothing half-written.
  });

  it('keeps webhookUrl in metadata and copies a freeform payload.plugin to metadata.plugin', async () => {
    w = await world();
    const msg = await w.placet.messages.create(w.agent, {
      channelId: w.channelId,
      webhookUrl: 'https://hooks.example.test/placet',
      review: { type: 'freeform', payload: { plugin: 'kroki-diagram', source: 'a->b' } },
    });
    expect(msg.metadata).toEqual({
      webhookUrl: 'https://hooks.example.test/placet',
      plugin: 'kroki-diagram',
    });
    expect(msg.review?.payload).toEqual({ plugin: 'kroki-diagram', source: 'a->b' });
  });

  it('lists newest first with cursor, limit, case-insensitive search and has_attachments', async () => {
    w = await world();
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      await w.clock.advance(1000);
      const m = await w.placet.messages.create(w.agent, {
        channelId: w.channelId,
        text: i % 2 === 0 ? `Deploy ${i} DONE` : `step ${i}`,
        ...(i === 3 ? { textAttachments: [{ content: 'log' }] } : {}),
      });
      ids.push(m.id);
    }
    const first = await w.placet.messages.list(w.agent, { channel: w.channelId, limit: '3' });
    expect(first.data.map((m) => m.id)).toEqual([ids[6], ids[5], ids[4]]);
    const second = await w.placet.messages.list(w.agent, {
      channel: w.channelId,
      limit: 3,
      cursor: first.nextCursor!,
    });
    expect(second.data.map((m) => m.id)).toEqual([ids[3], ids[2], ids[1]]);
    const last = await w.placet.messages.list(w.agent, {
      channel: w.channelId,
      limit: 3,
      cursor: second.nextCursor!,
    });
    expect(last).toMatchObject({ data: [{ id: ids[0] }], nextCursor: null });
    const found = await w.placet.messages.list(w.agent, {
      channel: w.channelId,
      search: 'deploy',
      limit: 200,
    });
    expect(found.data.map((m) => m.id)).toEqual([ids[6], ids[4], ids[2], ids[0]]);
    const withFiles = await w.placet.messages.list(w.agent, {
      channel: w.channelId,
      has_attachments: 'true',
    });
    expect(withFiles.data.map((m) => m.id)).toEqual([ids[3]]);
    expect(await codeOf(w.placet.messages.list(w.agent, { channel: w.channelId, limit: 'abc' }))).toBe(
      'VALIDATION_FAILED',
    );
  });

  it('deletes a message with its review and files', async () => {
    w = await world();
    const msg = await w.placet.messages.create(w.agent, {
      channelId: w.channelId,
      review: choiceReview(),
      textAttachments: [{ content: 'x' }],
    });
    expect(await w.placet.messages.delete(w.agent, msg.id, w.channelId)).toEqual({ deleted: true });
    expect(await codeOf(w.placet.messages.get(w.agent, msg.id))).toBe('NOT_FOUND');
    expect(
      await w.placet.options.files.get(`channels/${w.channelId}/${msg.attachments[0]!.id}`),
    ).toBeUndefined();
    expect(await codeOf(w.placet.messages.delete(w.agent, msg.id))).toBe('NOT_FOUND');
  });

  it('acknowledges once (agent_received) and emits one message:delivery', async () => {
    w = await world();
    const msg = await w.placet.messages.create(w.agent, { channelId: w.channelId, text: 'hi' });
    const seen: string[] = [];
    w.placet.events.subscribe({ ownerId: w.owner.id }, (e) => seen.push(e.type));
    expect(await w.placet.messages.ack(w.agent, msg.id, w.channelId)).toEqual({ acknowledged: true });
    expect(await w.placet.messages.ack(w.agent, msg.id, w.channelId)).toEqual({ acknowledged: true });
    expect((await w.placet.messages.get(w.agent, msg.id)).deliveryStatus).toBe('agent_received');
    await w.clock.advance(1);
    expect(seen).toEqual(['message:delivery']);
    // A later webhook outcome never downgrades the acknowledgement.
    expect(await w.store.messages.setDeliveryStatus(msg.id, 'webhook_failed', new Date())).toBeUndefined();
  });
});
