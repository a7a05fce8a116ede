import {
  type AgentPrincipal,
  createPlacet,
  isPlacetError,
  type Placet,
  silentLogger,
  type UserPrincipal,
} from '@placet/core';
import { approval } from '@placet/plugin-approval';
import { form } from '@placet/plugin-form';
import { selection } from '@placet/plugin-selection';
import { textInput } from '@placet/plugin-text-input';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from './fake-clock.js';
import { answers, attachFakeHuman, type FakeHuman } from './fake-human.js';
import { randomId } from './helpers.js';

interface World {
  placet: Placet;
  clock: FakeClock;
  agent: AgentPrincipal;
  user: UserPrincipal;
  channelId: string;
  /** Posts a message with a review; returns its id. */
  ask(type: string, payload: Record<string, unknown>, channelId?: string): Promise<string>;
  /** The review of a message as stored now. */
  review(id: string): Promise<{ status: string; response: Record<string, unknown> | null }>;
}

let current: Placet | undefined;
afterEach(async () => {
  await current?.stop();
  current = undefined;
});

async function world(): Promise<World> {
  const clock = new FakeClock();
  const placet = createPlacet({
    plugins: [approval(), selection(), form(), textInput()],
    clock,
    logger: silentLogger(),
  });
  current = placet;
  await placet.start();
  const owner = await placet.users.create({
    email: `${randomId('owner')}@example.test`,
    displayName: 'Owner',
    password: 'long-enough',
    role: 'owner',
  });
  const { key } = await placet.apiKeys.create(owner.id);
  const agent = await placet.authenticate({ apiKey: key });
  if (agent?.kind !== 'agent') throw new Error('the API key did not authenticate an agent');
  const channel = await placet.channels.create(agent, { name: 'deploy-bot' });
  return {
    placet,
    clock,
    agent,
    user: placet.userPrincipal(owner),
    channelId: channel.id,
    async ask(type, payload, channelId = channel.id) {
      const message = await placet.messages.create(agent, {
        channelId,
        text: `please answer this ${type}`,
        review: { type, payload },
      });
      return message.id;
    },
    async review(id) {
      const message = await placet.reviews.get(agent, id);
      if (!message.review) throw new Error('no review');
      return { status: message.review.status, response: message.review.response };
    },
  };
}

const errorCodes = (human: FakeHuman) =>
  human.errors.map(({ error }) => (isPlacetError(error) ? error.code : String(error)));

const OPTIONS = [
  { id: 'later', label: 'Ask me later' },
  { id: 'ship', label: 'Yes, ship it' },
  { id: 'stop', label: 'No', style: 'danger' },
];

describe('attachFakeHuman', () => {
  it('approve picks the option that looks like approval, and the wait returns it', async () => {
    const w = await world();
    const human = attachFakeHuman(w.placet, { user: w.user, script: () => answers.approve() });
    const id = await w.ask('approval', { options: OPTIONS });
    const result = await w.placet.reviews.wait(w.agent, id, { timeoutMs: 10_000 });
    expect(result.status).toBe('completed');
    expect(result.message?.review?.response).toEqual({ selectedOption: 'ship' });
    await human.idle();
    expect(human.seen).toEqual([id]);
    expect(human.answered).toEqual([
      { messageId: id, type: 'approval', response: { selectedOption: 'ship' } },
    ]);
    expect(human.errors).toEqual([]);
  });

  it('approve falls back to the first option, or takes the given one', async () => {
    const w = await world();
    const human = attachFakeHuman(w.placet, {
      user: w.user,
      script: (_review, message) => (message.text?.includes('approval') ? answers.approve() : undefined),
    });
    const first = await w.ask('approval', {
      options: [
        { id: 'a', label: 'Alpha' },
        { id: 'b', label: 'Beta' },
      ],
    });
    await human.idle();
    expect((await w.review(first)).response).toEqual({ selectedOption: 'a' });

    human.stop();
    const explicit = attachFakeHuman(w.placet, { user: w.user, script: () => answers.approve('later') });
    const second = await w.ask('approval', { options: OPTIONS });
    await explicit.idle();
    expect((await w.review(second)).response).toEqual({ selectedOption: 'later' });
  });

  it('reject picks the option that looks like rejection, else the last', async () => {
    const w = await world();
    const human = attachFakeHuman(w.placet, { user: w.user, script: () => answers.reject() });
    const named = await w.ask('approval', { options: OPTIONS });
    const unnamed = await w.ask('approval', {
      options: [
        { id: 'a', label: 'Alpha' },
        { id: 'z', label: 'Zulu' },
      ],
    });
    const denied = await w.ask('approval', {
      options: [
        { id: 'go', label: 'Go ahead' },
        { id: 'deny_access', label: 'Deny' },
        { id: 'x', label: 'X' },
      ],
    });
    await human.idle();
    expect((await w.review(named)).response).toEqual({ selectedOption: 'stop' });
    expect((await w.review(unnamed)).response).toEqual({ selectedOption: 'z' });
    expect((await w.review(denied)).response).toEqual({ selectedOption: 'deny_access' });
  });

  it('pick answers single and multi selections', async () => {
    const w = await world();
    const items = [
      { id: 'a', label: 'Alpha' },
      { id: 'b', label: 'Beta' },
      { id: 'c', label: 'Gamma' },
    ];
    const human = attachFakeHuman(w.placet, {
      user: w.user,
      script: (review) => (review.payload.mode === 'multi' ? answers.pick('b', 'c') : answers.pick()),
    });
    const single = await w.ask('selection', { mode: 'single', items });
    const multi = await w.ask('selection', { mode: 'multi', items });
    await human.idle();
    expect(await w.review(single)).toEqual({ status: 'completed', response: { selectedIds: ['a'] } });
    expect(await w.review(multi)).toEqual({ status: 'completed', response: { selectedIds: ['b', 'c'] } });
    expect(human.errors).toEqual([]);
  });

  it('fill builds a valid answer for all 12 field types, with defaults and overrides', async () => {
    const w = await world();
    const human = attachFakeHuman(w.placet, { user: w.user, script: () => answers.fill({ name: 'Ada' }) });
    const field = (name: string, type: string, extra: Record<string, unknown> = {}) => ({
      name,
      type,
      label: name,
      required: true,
      ...extra,
    });
    const id = await w.ask('form', {
      fields: [
        field('name', 'text'),
        field('count', 'number', { min: 3, max: 9, step: 2 }),
        field('below', 'number', { max: -3, step: 2 }),
        field('email', 'email'),
        field('site', 'url'),
        field('notes', 'textarea', { defaultValue: 'from the agent' }),
        field('size', 'select', { options: [{ value: 'm', label: 'Medium' }, 'l'] }),
        field('terms', 'checkbox'),
        field('news', 'checkbox', { required: false }),
        field('day', 'date'),
        field('at', 'time'),
        field('when', 'datetime'),
        field('level', 'range', { min: 10, max: 50, step: 5 }),
        field('secret', 'password'),
        field('code', 'text', { minLength: 6, maxLength: 8 }),
        field('tags', 'multiselect', { options: ['a', 'b', 'c'], min: 2 }),
        field('langs', 'multiselect', { options: ['en', 'de'], defaultValue: ['de'] }),
      ],
    });
    await human.idle();
    expect(human.errors).toEqual([]);
    expect(await w.review(id)).toEqual({
      status: 'completed',
      response: {
        name: 'Ada',
        count: 3,
        below: -4,
        email: 'human@example.test',
        site: 'https://example.test',
        notes: 'from the agent',
        size: 'm',
        terms: true,
        news: false,
        day: '2026-01-01',
        at: '12:00',
        when: '2026-01-01T12:00',
        level: 10,
        secret: 'test',
        code: 'testtt',
        tags: ['a', 'b'],
        langs: ['de'],
      },
    });
  });

  it('text respects minLength, or sends the given text', async () => {
    const w = await world();
    const human = attachFakeHuman(w.placet, {
      user: w.user,
      script: (review) =>
        review.payload.placeholder === 'own' ? answers.text('my own words') : answers.text(),
    });
    const padded = await w.ask('text-input', { minLength: 12, maxLength: 20 });
    const own = await w.ask('text-input', { placeholder: 'own' });
    await human.idle();
    expect((await w.review(padded)).response).toEqual({ text: 'OK..........' });
    expect((await w.review(own)).response).toEqual({ text: 'my own words' });
  });

  it('dismiss is accepted with a dismissLabel; without one the 400 is recorded, not thrown', async () => {
    const w = await world();
    const human = attachFakeHuman(w.placet, { user: w.user, script: () => answers.dismiss() });
    const dismissible = await w.ask('approval', { options: OPTIONS, dismissLabel: 'Not now' });
    const strict = await w.ask('approval', { options: OPTIONS });
    await human.idle();
    expect(await w.review(dismissible)).toEqual({ status: 'completed', response: { _dismissed: true } });
    expect((await w.review(strict)).status).toBe('pending');
    expect(human.answered.map((a) => a.messageId)).toEqual([dismissible]);
    expect(human.errors.map((e) => e.messageId)).toEqual([strict]);
    expect(errorCodes(human)).toEqual(['INVALID_REVIEW_RESPONSE']);
  });

  it('after(ms) answers only once the clock has passed ms', async () => {
    const w = await world();
    const human = attachFakeHuman(w.placet, {
      user: w.user,
      script: () => answers.after(60_000, answers.approve()),
    });
    const id = await w.ask('approval', { options: OPTIONS });
    await human.idle();
    expect(human.seen).toEqual([id]);
    expect((await w.review(id)).status).toBe('pending');

    await w.clock.advance(59_999);
    await human.idle();
    expect((await w.review(id)).status).toBe('pending');
    expect(human.answered).toEqual([]);

    await w.clock.advance(1);
    await human.idle();
    expect(await w.review(id)).toEqual({ status: 'completed', response: { selectedOption: 'ship' } });
  });

  it('never leaves the review pending', async () => {
    const w = await world();
    const timersBefore = w.clock.pendingTimers();
    const human = attachFakeHuman(w.placet, { user: w.user, script: () => answers.never() });
    const id = await w.ask('approval', { options: OPTIONS });
    await human.idle();
    expect(human.seen).toEqual([id]);
    expect(human.answered).toEqual([]);
    expect(human.errors).toEqual([]);
    expect(w.clock.pendingTimers()).toBe(timersBefore);
    expect((await w.review(id)).status).toBe('pending');
  });

  it('stop() stops answering and cancels scheduled answers', async () => {
    const w = await world();
    const human = attachFakeHuman(w.placet, {
      user: w.user,
      script: (review) =>
        review.payload.dismissLabel ? answers.after(1000, answers.dismiss()) : answers.approve(),
    });
    const before = await w.ask('approval', { options: OPTIONS });
    const scheduled = await w.ask('approval', { options: OPTIONS, dismissLabel: 'Later' });
    await human.idle();
    expect((await w.review(before)).status).toBe('completed');

    human.stop();
    human.stop();
    const after = await w.ask('approval', { options: OPTIONS });
    await w.clock.advance(5000);
    await human.idle();
    expect((await w.review(scheduled)).status).toBe('pending');
    expect((await w.review(after)).status).toBe('pending');
    expect(human.seen).toEqual([before, scheduled]);
    expect(human.answered.map((a) => a.messageId)).toEqual([before]);
  });

  it('two fake humans race: exactly one answer is accepted, the other gets a recorded 409', async () => {
    const w = await world();
    const first = attachFakeHuman(w.placet, { user: w.user, script: () => answers.approve() });
    const second = attachFakeHuman(w.placet, { user: w.user, script: () => answers.reject() });
    const id = await w.ask('approval', { options: OPTIONS });
    await Promise.all([first.idle(), second.idle()]);
    const accepted = [...first.answered, ...second.answered];
    expect(accepted).toHaveLength(1);
    expect([...errorCodes(first), ...errorCodes(second)]).toEqual(['REVIEW_NOT_PENDING']);
    expect((await w.review(id)).response).toEqual(accepted[0]?.response);
  });

  it('the default script answers every built-in type; channelIds and script errors are respected', async () => {
    const w = await world();
    const other = await w.placet.channels.create(w.agent, { name: 'other-bot' });
    const human = attachFakeHuman(w.placet, { user: w.user, channelIds: [w.channelId] });
    const failing = attachFakeHuman(w.placet, {
      user: w.user,
      channelIds: [other.id],
      script: () => {
        throw new Error('script bug');
      },
    });
    const ids = [
      await w.ask('approval', { options: OPTIONS }),
      await w.ask('selection', { mode: 'multi', items: [{ id: 'x', label: 'X' }] }),
      await w.ask('form', { fields: [{ name: 'n', type: 'number', label: 'N', min: 1 }] }),
      await w.ask('text-input', { minLength: 3 }),
    ];
    const elsewhere = await w.ask('approval', { options: OPTIONS }, other.id);
    await Promise.all([human.idle(), failing.idle()]);
    expect(human.errors).toEqual([]);
    // Answers run concurrently, so they are accepted in any order.
    expect(new Map(human.answered.map((a) => [a.messageId, a.response]))).toEqual(
      new Map<string | undefined, unknown>([
        [ids[0], { selectedOption: 'ship' }],
        [ids[1], { selectedIds: ['x'] }],
        [ids[2], { n: 1 }],
        [ids[3], { text: 'OK.' }],
      ]),
    );
    expect(human.answered).toHaveLength(ids.length);
    expect(failing.seen).toEqual([elsewhere]);
    expect(errorCodes(failing)).toEqual(['Error: script bug']);
    expect((await w.review(elsewhere)).status).toBe('pending');
  });
});
