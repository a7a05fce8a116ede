import { memoryStore } from '@placet/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ADA_SLACK,
  BOB_SLACK,
  BOT_TOKEN,
  blockActions,
  CONVERSATION,
  EVE_SLACK,
  postsSettled,
  SIGNING_SECRET,
  SlackStandIn,
  startWorld,
  viewSubmission,
  type World,
  waitFor,
} from './harness.js';

/**
 * The plugin end to end: a real Placet and router on 127.0.0.1, the Slack Web API stand-in on 127.0.0.1,
 * signed interactivity requests as Slack sends them, and the fake clock for timestamps and retries.
 */

let w: World | undefined;
let extra: World | undefined;
afterEach(async () => {
  await extra?.close();
  await w?.close();
  extra = undefined;
  w = undefined;
});

const approvalReview = {
  type: 'approval',
  payload: {
    options: [
      { id: 'approve', label: 'Approve', style: 'primary' },
      { id: 'reject', label: 'Reject', style: 'danger' },
    ],
  },
};

async function ask(world: World, text: string, review: Record<string, unknown> = approvalReview) {
  return world.placet.messages.create(world.agent, {
    channelId: world.channelId,
    text,
    review: review as never,
  });
}

type Blocks = Record<string, any>[];
const blocksOf = (call: { args: Record<string, unknown> }) => call.args.blocks as Blocks;
const actionsOf = (blocks: Blocks) =>
  blocks.find((b) => b.type === 'actions')?.elements as Record<string, any>[];

/** The single post of a message and its answer buttons. */
async function postOf(world: World, messageId: string) {
  await waitFor(() => world.slackApi.of('chat.postMessage').length > 0, { message: 'a post' });
  const post = world.slackApi.of('chat.postMessage').find((c) => JSON.stringify(c.args).includes(messageId))!;
  return { post, buttons: actionsOf(blocksOf(post)) };
}

async function auditOf(world: World, messageId: string) {
  return (await world.placet.audit.forReview(world.placet.userPrincipal(world.ada), messageId)).entries;
}

describe('posting a review', () => {
  it('an approval: one post to the agent’s conversation, with the agent, the text as safe mrkdwn, buttons and a dashboard link', async () => {
    w = await startWorld();
    const msg = await ask(w, 'Deploy **v2** to prod? <!channel> & [notes](https://example.test/n?a=1&b=2)');
    const { post, buttons } = await postOf(w, msg.id);
    await postsSettled(w);
    expect(w.slackApi.of('chat.postMessage')).toHaveLength(1);
    expect(post.authorized).toBe(true);
    expect(post.args.channel).toBe(CONVERSATION);
    const blocks = blocksOf(post);
    expect(blocks[0]).toEqual({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: '*deploy-bot* asks for a approval' }],
    });
    expect(blocks[1]).toEqual({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: 'Deploy *v2* to prod? &lt;!channel&gt; &amp; <https://example.test/n?a=1&amp;b=2|notes>',
      },
    });
    expect(buttons.map((b) => [b.type, b.text.text, b.style, b.value ?? b.url])).toEqual([
      ['button', 'Approve', 'primary', JSON.stringify({ m: msg.id, a: 'approve' })],
      ['button', 'Reject', 'danger', JSON.stringify({ m: msg.id, a: 'reject' })],
      ['button', 'Open in Placet', undefined, `https://placet.example.test/#/inbox/${msg.id}`],
    ]);
    // The fallback text is escaped like the blocks: no mention can reach Slack.
    expect(String(post.args.text)).not.toContain('<!channel>');
    expect(post.args.link_names).toBe('false');
    // The notification is delivered, in the message's delivery log.
    const log = await w.placet.deliveries.listForMessage(w.placet.userPrincipal(w.ada), msg.id);
    expect(log.find((d) => d.url === 'notifier:slack')).toMatchObject({ state: 'delivered' });
  });

  it('Slack answers 429 with Retry-After: 2 → retried after 2 s (fake clock), posted once', async () => {
    const slackApi = new SlackStandIn();
    await slackApi.start();
    slackApi.script('chat.postMessage', {
      status: 429,
      headers: { 'retry-after': '2' },
      body: { ok: false, error: 'ratelimited' },
    });
    w = await startWorld({ slackApi });
    const msg = await ask(w, 'Deploy?');
    const logOf = async () =>
      (await w!.placet.deliveries.listForMessage(w!.placet.userPrincipal(w!.ada), msg.id)).find(
        (d) => d.url === 'notifier:slack',
      )!;
    await waitFor(async () => (await logOf())?.attempts.length === 1, { message: 'the first attempt' });
    const first = await logOf();
    expect(first.state).toBe('pending');
    expect(first.attempts[0]!.error).toBe('slack: chat.postMessage failed: rate limited (Retry-After: 2 s)');
    expect(new Date(first.nextAttemptAt!).getTime() - w.clock.now().getTime()).toBe(2_000);
    await w.clock.advance(1_999);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(slackApi.of('chat.postMessage')).toHaveLength(1);
    await w.clock.advance(1);
    await waitFor(async () => (await logOf()).state === 'delivered', { message: 'delivered on the retry' });
    const calls = slackApi.of('chat.postMessage');
    expect(calls).toHaveLength(2);
    // One post: the first call was refused by Slack, the second made it.
    await w.clock.advance(60 * 60_000);
    await postsSettled(w);
    expect(slackApi.of('chat.postMessage')).toHaveLength(2);
    expect((await logOf()).attempts).toHaveLength(2);
    await slackApi.stop();
  });

  it('DMs to the humans a review is for: matched by e-mail (users.lookupByEmail, cached) or the manual mapping', async () => {
    w = await startWorld({ slack: { channels: {}, directMessages: true } });
    const first = await ask(w, 'Deploy?');
    await waitFor(() => w!.slackApi.of('chat.postMessage').length === 1);
    expect(w.slackApi.of('chat.postMessage')[0]!.args.channel).toBe(ADA_SLACK);
    expect(w.slackApi.of('users.lookupByEmail').map((c) => c.args.email)).toEqual(['ada@example.test']);
    await ask(w, 'And staging?');
    await waitFor(() => w!.slackApi.of('chat.postMessage').length === 2);
    // Cached in the store: no second lookup.
    expect(w.slackApi.of('users.lookupByEmail')).toHaveLength(1);

    // An assigned review goes to its assignee (Bob), by the manual mapping: no lookup at all.
    extra = await startWorld({
      store: w.store,
      slack: { channels: {}, directMessages: true, users: { 'bob@example.test': 'U0BOBMAN1' } },
    });
    const assigned = await ask(extra, 'Bob decides', { ...approvalReview, assignees: [extra.bob.id] });
    await waitFor(() => extra!.slackApi.of('chat.postMessage').length === 1);
    expect(extra.slackApi.of('chat.postMessage')[0]!.args.channel).toBe('U0BOBMAN1');
    expect(extra.slackApi.of('users.lookupByEmail')).toHaveLength(0);
    expect(first.id).not.toBe(assigned.id);
  });
});

describe('answering in Slack', () => {
  it('a signed block_actions click answers through the engine: the agent’s wait returns, audit path slack, the post is updated', async () => {
    w = await startWorld();
    const msg = await ask(w, 'Deploy?');
    const { post, buttons } = await postOf(w, msg.id);
    await postsSettled(w);
    const wait = w.placet.reviews.wait(w.agent, msg.id, { timeoutMs: 30_000 });
    const click = await w.interact(
      blockActions({
        user: ADA_SLACK,
        action: { action_id: buttons[0]!.action_id, value: buttons[0]!.value, type: 'button' },
      }),
    );
    expect(click.status).toBe(200);
    const result = await wait;
    expect(result.status).toBe('completed');
    expect(result.message?.review).toMatchObject({
      status: 'completed',
      response: { selectedOption: 'approve' },
      respondedBy: w.ada.id,
    });
    expect((await auditOf(w, msg.id)).find((e) => e.type === 'review.completed')).toMatchObject({
      via: 'slack',
      actor: { kind: 'user', id: w.ada.id },
    });
    // The post is updated in place: the outcome, no buttons but the dashboard link.
    await waitFor(() => w!.slackApi.of('chat.update').length === 1, { message: 'chat.update' });
    const update = w.slackApi.of('chat.update')[0]!;
    expect(update.authorized).toBe(true);
    expect(update.args).toMatchObject({ channel: post.args.channel, ts: expect.any(String) });
    const text = JSON.stringify(update.args.blocks);
    expect(text).toContain('*Answered* by Ada Lovelace');
    expect(actionsOf(blocksOf(update)).map((e) => e.action_id)).toEqual(['placet:link']);
    expect(w.slackApi.of('chat.postEphemeral')).toHaveLength(0);
  });

  it('refused, nothing recorded: a bad signature, an old timestamp, a replayed payload (4xx, clear codes)', async () => {
    w = await startWorld();
    const msg = await ask(w, 'Deploy?');
    const { buttons } = await postOf(w, msg.id);
    const payload = blockActions({
      user: ADA_SLACK,
      action: { action_id: buttons[1]!.action_id, value: buttons[1]!.value },
    });

    const forged = await w.interact(payload, { secret: 'not-the-signing-secret' });
    expect(forged.status).toBe(401);
    expect(forged.json).toMatchObject({ code: 'SLACK_SIGNATURE_INVALID' });

    const now = Math.floor(w.clock.now().getTime() / 1000);
    const old = await w.interact(payload, { timestamp: now - 5 * 60 - 1 });
    expect(old.status).toBe(401);
    expect(old.json).toMatchObject({ code: 'SLACK_REQUEST_STALE' });
    const future = await w.interact(payload, { timestamp: now + 5 * 60 + 1 });
    expect(future.status).toBe(401);

    const missing = await fetch(`${w.url}/api/v1/plugins/slack/interactivity`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'payload=%7B%7D',
    });
    expect(missing.status).toBe(401);
    const wrongType = await fetch(`${w.url}/api/v1/plugins/slack/interactivity`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(wrongType.status).toBe(400);

    // Refused before anything was looked at: no answer, no Slack call besides the post.
    expect((await w.placet.reviews.get(w.agent, msg.id)).review?.status).toBe('pending');
    expect(w.slackApi.calls.filter((c) => c.method !== 'chat.postMessage')).toHaveLength(0);

    // A valid request, then its exact copy (same timestamp, same body, same signature): refused.
    const openModal = blockActions({ user: ADA_SLACK, action: { action_id: 'placet:open', value: msg.id } });
    const first = await w.interact(openModal);
    expect(first.status).toBe(200);
    const notes = w.slackApi.of('chat.postEphemeral').length;
    const replay = await w.interact(openModal, { body: first.body });
    expect(replay.status).toBe(409);
    expect(replay.json).toMatchObject({ code: 'SLACK_REQUEST_REPLAYED' });
    expect(w.slackApi.of('chat.postEphemeral')).toHaveLength(notes);

    // The reject click, then its exact copy: one answer, the copy refused before it reaches the engine.
    const answered = await w.interact(payload);
    expect(answered.status).toBe(200);
    const copy = await w.interact(payload, { body: answered.body });
    expect(copy.status).toBe(409);
    expect(copy.json).toMatchObject({ code: 'SLACK_REQUEST_REPLAYED' });
    const audit = await auditOf(w, msg.id);
    expect(audit.filter((e) => e.via === 'slack' && e.type === 'review.completed')).toHaveLength(1);
    // No refusal says anything secret.
    for (const r of [forged, old, future, replay, copy]) {
      expect(r.text).not.toContain(SIGNING_SECRET);
      expect(r.text).not.toContain(BOT_TOKEN);
    }
  });

  it('a non-assignee and an unknown Slack user are refused with an ephemeral note; nothing is recorded', async () => {
    w = await startWorld();
    // Only Bob may answer; Ada (the owner) may not, and Eve is no Placet user at all.
    const msg = await ask(w, 'Bob decides', { ...approvalReview, assignees: [w.bob.id] });
    const { buttons } = await postOf(w, msg.id);
    await postsSettled(w);
    const click = (user: string) =>
      w!.interact(
        blockActions({ user, action: { action_id: buttons[0]!.action_id, value: buttons[0]!.value } }),
      );

    expect((await click(ADA_SLACK)).status).toBe(200);
    expect((await click(EVE_SLACK)).status).toBe(200);
    const notes = w.slackApi.of('chat.postEphemeral');
    expect(notes.map((n) => [n.args.user, n.args.channel])).toEqual([
      [ADA_SLACK, CONVERSATION],
      [EVE_SLACK, CONVERSATION],
    ]);
    expect(notes[0]!.args.text).toContain('assigned to someone else');
    expect(notes[1]!.args.text).toContain('not linked to a Placet user');
    const review = (await w.placet.reviews.get(w.agent, msg.id)).review!;
    expect(review.status).toBe('pending');
    expect(review.votes ?? []).toHaveLength(0);
    expect((await auditOf(w, msg.id)).filter((e) => e.via === 'slack')).toHaveLength(0);
    expect(w.slackApi.of('chat.update')).toHaveLength(0);

    // Bob, the assignee, found among the review's candidates by e-mail: his click answers it.
    expect((await click(BOB_SLACK)).status).toBe(200);
    await waitFor(async () => (await w!.placet.reviews.get(w!.agent, msg.id)).review?.status === 'completed');
    expect((await w.placet.reviews.get(w.agent, msg.id)).review?.respondedBy).toBe(w.bob.id);
  });
});

const formReview = {
  type: 'form',
  payload: {
    fields: [
      { name: 'service', type: 'text', label: 'Service', required: true },
      { name: 'replicas', type: 'number', label: 'Replicas', min: 1, max: 10, required: true },
      { name: 'region', type: 'select', label: 'Region', options: ['eu', 'us'] },
      { name: 'canary', type: 'checkbox', label: 'Canary first' },
      { name: 'window', type: 'date', label: 'Window' },
    ],
  },
};

describe('modals', () => {
  it('a form: views.open builds the modal from the schema; a valid submission answers with a typed response, an invalid one gets field errors', async () => {
    w = await startWorld();
    const msg = await ask(w, 'Scale the *web* service', formReview);
    const { buttons } = await postOf(w, msg.id);
    await postsSettled(w);
    expect(buttons.map((b) => b.action_id)).toEqual(['placet:open', 'placet:link']);
    const open = await w.interact(
      blockActions({
        user: ADA_SLACK,
        triggerId: 'trigger-1',
        action: { action_id: 'placet:open', value: msg.id },
      }),
    );
    expect(open.status).toBe(200);
    await waitFor(() => w!.slackApi.of('views.open').length === 1);
    const { args } = w.slackApi.of('views.open')[0]!;
    expect(args.trigger_id).toBe('trigger-1');
    const view = args.view as Record<string, any>;
    expect(view.callback_id).toBe('placet:review');
    const inputs = (view.blocks as Record<string, any>[]).filter((b) => b.type === 'input');
    expect(inputs.map((b) => [b.block_id, b.element.type, b.optional])).toEqual([
      ['f:service', 'plain_text_input', false],
      ['f:replicas', 'number_input', false],
      ['f:region', 'static_select', true],
      ['f:canary', 'checkboxes', true],
      ['f:window', 'datepicker', true],
    ]);
    expect(inputs[1]!.element).toMatchObject({ min_value: '1', max_value: '10' });

    const submit = (values: Record<string, Record<string, unknown>>) =>
      w!.interact(viewSubmission({ user: ADA_SLACK, privateMetadata: view.private_metadata, values }));
    // 42 replicas: over the field's max. The engine's validation comes back as the modal's field error.
    const invalid = await submit({
      'f:service': { v: { type: 'plain_text_input', value: 'web' } },
      'f:replicas': { v: { type: 'number_input', value: '42' } },
      'f:region': { v: { type: 'static_select', selected_option: null } },
      'f:canary': { v: { type: 'checkboxes', selected_options: [] } },
      'f:window': { v: { type: 'datepicker', selected_date: null } },
    });
    expect(invalid.status).toBe(200);
    expect(invalid.json).toMatchObject({
      response_action: 'errors',
      errors: { 'f:replicas': expect.any(String) },
    });
    expect(Object.keys((invalid.json as { errors: object }).errors)).toEqual(['f:replicas']);
    expect((await w.placet.reviews.get(w.agent, msg.id)).review?.status).toBe('pending');

    const valid = await submit({
      'f:service': { v: { type: 'plain_text_input', value: 'web' } },
      'f:replicas': { v: { type: 'number_input', value: '3' } },
      'f:region': { v: { type: 'static_select', selected_option: { value: 'eu' } } },
      'f:canary': { v: { type: 'checkboxes', selected_options: [{ value: 'true' }] } },
      'f:window': { v: { type: 'datepicker', selected_date: '2026-03-05' } },
    });
    expect(valid.status).toBe(200);
    expect(valid.text).toBe('');
    const review = (await w.placet.reviews.get(w.agent, msg.id)).review!;
    expect(review.status).toBe('completed');
    expect(review.response).toEqual({
      service: 'web',
      replicas: 3,
      region: 'eu',
      canary: true,
      window: '2026-03-05',
    });
    expect((await auditOf(w, msg.id)).some((e) => e.via === 'slack')).toBe(true);
    await waitFor(() => w!.slackApi.of('chat.update').length === 1);
  });

  it('a text-input modal; a form with a field kind Slack has no input for links to the dashboard instead', async () => {
    w = await startWorld();
    const text = await ask(w, 'Name the release', {
      type: 'text-input',
      payload: { minLength: 3, placeholder: 'v…' },
    });
    const unsupported = await ask(w, 'Credentials', {
      type: 'form',
      payload: { fields: [{ name: 'password', type: 'password', label: 'Password', required: true }] },
    });
    await waitFor(() => w!.slackApi.of('chat.postMessage').length === 2);
    const { buttons: textButtons } = await postOf(w, text.id);
    expect(textButtons.map((b) => b.action_id)).toEqual(['placet:open', 'placet:link']);
    const { buttons: formButtons } = await postOf(w, unsupported.id);
    expect(formButtons.map((b) => [b.action_id, b.url])).toEqual([
      ['placet:link', `https://placet.example.test/#/inbox/${unsupported.id}`],
    ]);

    await w.interact(blockActions({ user: ADA_SLACK, action: { action_id: 'placet:open', value: text.id } }));
    await waitFor(() => w!.slackApi.of('views.open').length === 1);
    const view = w.slackApi.of('views.open')[0]!.args.view as Record<string, any>;
    const submit = (value: string) =>
      w!.interact(
        viewSubmission({
          user: ADA_SLACK,
          privateMetadata: view.private_metadata,
          values: { 'f:text': { v: { type: 'plain_text_input', value } } },
        }),
      );
    const short = await submit('  v ');
    expect(short.json).toMatchObject({
      response_action: 'errors',
      errors: { 'f:text': expect.stringContaining('at least 3') },
    });
    expect((await submit('v2.4.0')).status).toBe(200);
    expect((await w.placet.reviews.get(w.agent, text.id)).review?.response).toEqual({ text: 'v2.4.0' });
  });
});

describe('one review, every view', () => {
  it('answered in the dashboard (the HTTP API): the Slack post is updated', async () => {
    w = await startWorld();
    const msg = await ask(w, 'Deploy?');
    await postOf(w, msg.id);
    await postsSettled(w);
    const response = await fetch(`${w.url}/api/v1/reviews/${msg.id}/respond`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-test-user': w.ada.id },
      body: JSON.stringify({ response: { selectedOption: 'reject' } }),
    });
    expect(response.status).toBeLessThan(300);
    await waitFor(() => w!.slackApi.of('chat.update').length === 1, { message: 'chat.update' });
    const text = JSON.stringify(w.slackApi.of('chat.update')[0]!.args.blocks);
    expect(text).toContain('*Answered* by Ada Lovelace');
    expect(text).toContain('Reject');
    // A click in Slack after that: a note, not a second answer.
    const { buttons } = await postOf(w, msg.id);
    await w.interact(
      blockActions({
        user: ADA_SLACK,
        action: { action_id: buttons[0]!.action_id, value: buttons[0]!.value },
      }),
    );
    expect(w.slackApi.of('chat.postEphemeral')[0]!.args.text).toContain('no longer waits');
    expect((await w.placet.reviews.get(w.agent, msg.id)).review?.response).toEqual({
      selectedOption: 'reject',
    });
  });

  it('expiry updates the post; a restart keeps where the posts are (nothing posted twice)', async () => {
    const store = memoryStore();
    const slackApi = new SlackStandIn();
    await slackApi.start();
    w = await startWorld({ store, slackApi });
    const msg = await ask(w, 'Deploy?', { ...approvalReview, expiresInSeconds: 3600 });
    await postOf(w, msg.id);
    await postsSettled(w);
    const clock = w.clock;
    await w.close();
    w = await startWorld({ store, slackApi, clock });
    await clock.advance(2 * 3600_000);
    await w.placet.sweep();
    await waitFor(() => slackApi.of('chat.update').length === 1, { message: 'the expiry shown' });
    expect(JSON.stringify(slackApi.of('chat.update')[0]!.args.blocks)).toContain('*Expired*');
    expect(slackApi.of('chat.postMessage')).toHaveLength(1);
    await slackApi.stop();
  });

  it('no secret in any response, delivery log or log line', async () => {
    w = await startWorld();
    const msg = await ask(w, 'Deploy?');
    const { buttons } = await postOf(w, msg.id);
    await w.interact(
      blockActions({
        user: ADA_SLACK,
        action: { action_id: buttons[0]!.action_id, value: buttons[0]!.value },
      }),
    );
    await waitFor(() => w!.slackApi.of('chat.update').length === 1);
    const manifest = await (
      await fetch(`${w.url}/api/v1/plugins`, { headers: { 'x-test-user': w.ada.id } })
    ).text();
    const openapi = await (await fetch(`${w.url}/api/v1/openapi.json`)).text();
    const log = await w.placet.deliveries.listForMessage(w.placet.userPrincipal(w.ada), msg.id);
    for (const text of [manifest, openapi, JSON.stringify(log), w.logger.lines.join('\n')]) {
      expect(text).not.toContain(BOT_TOKEN);
      expect(text).not.toContain(SIGNING_SECRET);
    }
    expect(openapi).toContain('/plugins/slack/interactivity');
    expect(w.slackApi.calls.every((c) => c.authorized)).toBe(true);
  });
});

/** Waits until the plugin's after-commit hooks have run for every event committed so far. */
async function hooksSettled(world: World): Promise<void> {
  const last = await world.store.events.lastSeq();
  await waitFor(
    async () => {
      const cursor = await world.store.kv.get('placet:plugin-hooks', 'slack/cursor', world.clock.now());
      return typeof cursor?.value === 'number' && cursor.value >= last;
    },
    { message: 'the Slack hooks caught up' },
  );
}

/** The replies in a post's thread (`chat.postMessage` with `thread_ts`). */
const threadReplies = (world: { slackApi: SlackStandIn }) =>
  world.slackApi.of('chat.postMessage').filter((c) => c.args.thread_ts !== undefined);
/** The top-level posts, per Slack conversation they were sent to. */
const postsPerTarget = (world: { slackApi: SlackStandIn }) => {
  const count: Record<string, number> = {};
  for (const c of world.slackApi.of('chat.postMessage'))
    if (c.args.thread_ts === undefined)
      count[String(c.args.channel)] = (count[String(c.args.channel)] ?? 0) + 1;
  return count;
};

describe('escalations and receipts', () => {
  it('an escalation step (fake clock): chat.update shows the new assignee and the step, nothing is posted twice; a late update never reverts the answered post', async () => {
    w = await startWorld({ slack: { directMessages: true } });
    const msg = await ask(w, 'Deploy?', {
      ...approvalReview,
      assignees: [w.ada.id],
      expiresInSeconds: 3600,
      escalation: [
        { after: '10m', addAssignees: [w.bob.email] },
        { after: '20m', remind: true },
      ],
    });
    await waitFor(() => w!.slackApi.of('chat.postMessage').length === 2, { message: 'two posts' });
    await postsSettled(w);
    const conversationPost = w.slackApi.of('chat.postMessage').find((c) => c.args.channel === CONVERSATION)!;
    const posted = JSON.stringify(conversationPost.args.blocks);
    expect(posted).toContain('For: Ada Lovelace');
    expect(posted).not.toContain('Bob Babbage');
    expect(posted).toContain('Next escalation <!date^');
    expect(w.slackApi.of('chat.update')).toHaveLength(0);

    // The first step fires: Bob is added. The conversation's post and Ada's DM are updated in place.
    await w.clock.advance(10 * 60_000);
    await w.placet.sweep();
    const updatesOf = (channel: string) =>
      w!.slackApi.of('chat.update').filter((c) => c.args.channel === channel);
    await waitFor(() => updatesOf(CONVERSATION).length === 1 && updatesOf('D0ADA0001').length === 1, {
      message: 'the escalation shown',
    });
    for (const update of [updatesOf(CONVERSATION)[0]!, updatesOf('D0ADA0001')[0]!]) {
      const text = JSON.stringify(update.args.blocks);
      expect(text).toContain('For: Ada Lovelace, Bob Babbage');
      expect(text).toContain('Escalated: step 1 of 2');
      expect(text).toContain('Next escalation <!date^');
      // Still waiting: the answer buttons are there.
      expect(actionsOf(blocksOf(update)).map((e) => e.action_id)).toEqual([
        'placet:answer:0',
        'placet:answer:1',
        'placet:link',
      ]);
    }
    const conversationUpdate = updatesOf(CONVERSATION)[0]!;
    expect(conversationUpdate.args.ts).toBeTruthy();
    // Bob, a new assignee, gets his own DM; no post is made twice.
    await waitFor(() => postsPerTarget(w!)[BOB_SLACK] === 1, { message: 'Bob’s DM' });
    await postsSettled(w);
    await hooksSettled(w);
    expect(postsPerTarget(w)).toEqual({ [CONVERSATION]: 1, [ADA_SLACK]: 1, [BOB_SLACK]: 1 });

    // The second step fires, but Slack fails its update: the hook is retried in 1 s (fake clock) and the
    // plugin's later events wait. Bob answers from the conversation meanwhile.
    w.slackApi.script('chat.update', { status: 200, body: { ok: false, error: 'internal_error' } });
    await w.clock.advance(10 * 60_000);
    await w.placet.sweep();
    await waitFor(() => updatesOf(CONVERSATION).length === 2, { message: 'the failed update' });
    expect(JSON.stringify(updatesOf(CONVERSATION)[1]!.args.blocks)).toContain('Escalated: step 2 of 2');
    const buttons = actionsOf(blocksOf(conversationPost));
    const click = await w.interact(
      blockActions({
        user: BOB_SLACK,
        action: { action_id: buttons[0]!.action_id, value: buttons[0]!.value },
      }),
    );
    expect(click.status).toBe(200);
    expect((await w.placet.reviews.get(w.agent, msg.id)).review).toMatchObject({
      status: 'completed',
      respondedBy: w.bob.id,
    });
    // The retry finds the review decided: it leaves the post to review.responded, which shows the answer.
    await w.clock.advance(1_000);
    await waitFor(() => updatesOf(CONVERSATION).length >= 3, { message: 'the answer shown' });
    await waitFor(() => threadReplies(w!).length === 3, { message: 'the receipt replies' });
    const after = updatesOf(CONVERSATION).slice(2);
    expect(after).toHaveLength(1);
    expect(JSON.stringify(after[0]!.args.blocks)).toContain('*Answered* by Bob Babbage');
    expect(actionsOf(blocksOf(after[0]!)).map((e) => e.action_id)).toEqual(['placet:link']);
    expect(postsPerTarget(w)).toEqual({ [CONVERSATION]: 1, [ADA_SLACK]: 1, [BOB_SLACK]: 1 });
  });

  it('a human’s answer (block_actions): one thread reply with the receipt link; a redelivered hook posts none again', async () => {
    const store = memoryStore();
    const slackApi = new SlackStandIn();
    await slackApi.start();
    w = await startWorld({ store, slackApi });
    const msg = await ask(w, 'Deploy?');
    const { buttons } = await postOf(w, msg.id);
    await postsSettled(w);
    const beforeAnswer = await store.events.lastSeq();
    const click = await w.interact(
      blockActions({
        user: ADA_SLACK,
        action: { action_id: buttons[0]!.action_id, value: buttons[0]!.value },
      }),
    );
    expect(click.status).toBe(200);
    await waitFor(() => threadReplies(w!).length === 1, { message: 'the receipt reply' });
    const update = slackApi.of('chat.update')[0]!;
    const reply = threadReplies(w)[0]!;
    expect(reply.authorized).toBe(true);
    // In the thread of the review's post.
    expect(reply.args).toMatchObject({ channel: CONVERSATION, thread_ts: update.args.ts });
    const text = String(reply.args.text);
    const { kid } = await w.placet.receipts.get(w.agent, msg.id);
    expect(text).toContain('signed a receipt');
    expect(text).toContain(kid);
    // Where a human sees it, and the public keys that verify it.
    expect(text).toContain(`<https://placet.example.test/#/inbox/${msg.id}|`);
    expect(text).toContain('https://placet.example.test/api/v1/receipts/jwks.json');
    expect(text).not.toContain((await w.placet.receipts.get(w.agent, msg.id)).receipt);

    // The hook is delivered again (at least once: a crash before its cursor moved), after a restart.
    const clock = w.clock;
    await w.close();
    await store.kv.set({
      namespace: 'placet:plugin-hooks',
      key: 'slack/cursor',
      value: beforeAnswer,
      expiresAt: null,
    });
    w = await startWorld({ store, slackApi, clock });
    const done = await store.events.lastSeq();
    await waitFor(
      async () => {
        const cursor = await store.kv.get('placet:plugin-hooks', 'slack/cursor', clock.now());
        return typeof cursor?.value === 'number' && cursor.value >= done;
      },
      { message: 'the hooks ran again' },
    );
    // It ran again (the post updated a second time, harmlessly), and posted no second reply.
    expect(slackApi.of('chat.update')).toHaveLength(2);
    expect(threadReplies(w)).toHaveLength(1);
    await slackApi.stop();
  });

  it('no receipt reply when no human answered: a default outcome at expiry shows in the post only', async () => {
    w = await startWorld();
    const msg = await ask(w, 'Deploy?', {
      ...approvalReview,
      assignees: [w.ada.id],
      expiresInSeconds: 3600,
      onTimeout: { response: { selectedOption: 'reject' } },
    });
    await postOf(w, msg.id);
    await postsSettled(w);
    await w.clock.advance(2 * 3600_000);
    await w.placet.sweep();
    await waitFor(() => w!.slackApi.of('chat.update').length === 1, { message: 'the default shown' });
    const text = JSON.stringify(w.slackApi.of('chat.update')[0]!.args.blocks);
    expect(text).toContain('*No decision in time*: the default applied: Chose: Reject');
    expect((await w.placet.reviews.get(w.agent, msg.id)).review).toMatchObject({
      status: 'completed',
      respondedBy: null,
    });
    await hooksSettled(w);
    expect(threadReplies(w)).toHaveLength(0);
    expect(w.slackApi.of('chat.postMessage')).toHaveLength(1);
  });
});
