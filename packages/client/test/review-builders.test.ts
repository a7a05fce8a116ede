import type { z } from '@placet/core/contract';
import { type ApprovalResponse, approvalResponseFor, approvalSchemas } from '@placet/plugin-approval';
import { type FormResponse, formResponseFor, formSchemas } from '@placet/plugin-form';
import { type SelectionResponse, selectionResponseFor, selectionSchemas } from '@placet/plugin-selection';
import { type TextInputResponse, textInputSchemas } from '@placet/plugin-text-input';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import {
  type ApprovalAnswer,
  type AskResult,
  approval,
  createClient,
  type FormAnswer,
  type FormField,
  type FormFieldValue,
  form,
  type PlacetClient,
  type ResponseOf,
  type ResultOf,
  review,
  reviewType,
  type SelectionAnswer,
  selection,
  type TextInputAnswer,
  textInput,
  type Wire,
} from '../src/index.js';
import { startServer, type TestServer } from './harness.js';

/**
 * The builders of the built-in review types against the plugins' own schemas: what a builder sends is a
 * payload the plugin accepts, and the answer type a builder promises is one the plugin's response schema
 * describes. Type-level checks (`expectTypeOf`) are checked by `tsc` (npm run typecheck).
 */

const DEPLOY = approval({
  options: [
    { id: 'deploy', label: 'Deploy', style: 'primary' },
    { id: 'stop', label: 'Stop', style: 'danger' },
  ],
  allowComment: true,
});

const SETTINGS = form({
  fields: [
    { name: 'replicas', type: 'number', label: 'Replicas', required: true, min: 1 },
    { name: 'region', type: 'select', label: 'Region', required: true, options: ['eu', 'us'] },
    { name: 'tier', type: 'select', label: 'Tier', options: [{ value: 'gold', label: 'Gold' }] },
    { name: 'notify', type: 'checkbox', label: 'Notify me' },
    { name: 'note', type: 'textarea', label: 'Note' },
  ],
});

describe('built-in builders match the plugins’ schemas', () => {
  it('approval: the payload parses; the answer is an ApprovalResponse with one of the option ids', () => {
    expect(DEPLOY).toEqual({ type: 'approval', payload: expect.objectContaining({ allowComment: true }) });
    const payload = approvalSchemas.payload.parse(DEPLOY.payload);
    expect(approvalResponseFor(payload).safeParse({ selectedOption: 'deploy', comment: 'ok' }).success).toBe(
      true,
    );
    type Answer = ResponseOf<typeof DEPLOY>;
    expectTypeOf<Answer>().toEqualTypeOf<ApprovalAnswer<'deploy' | 'stop'>>();
    expectTypeOf<Answer>().toExtend<ApprovalResponse>();
    expectTypeOf<Answer['selectedOption']>().toEqualTypeOf<'deploy' | 'stop'>();
  });

  it('selection: the payload parses; the answer holds item ids', () => {
    const picked = selection({
      mode: 'multi',
      items: [
        { id: 'a', label: 'A' },
        { id: 'b', label: 'B' },
      ],
    });
    const payload = selectionSchemas.payload.parse(picked.payload);
    expect(selectionResponseFor(payload).safeParse({ selectedIds: ['a', 'b'] }).success).toBe(true);
    expectTypeOf<ResponseOf<typeof picked>>().toEqualTypeOf<SelectionAnswer<'a' | 'b'>>();
    expectTypeOf<ResponseOf<typeof picked>>().toExtend<SelectionResponse>();
  });

  it('text input: the payload parses; the answer is { text }', () => {
    const asked = textInput({ placeholder: 'Why?', minLength: 3 }, { expiresInSeconds: 600 });
    expect(asked).toMatchObject({ type: 'text-input', expiresInSeconds: 600 });
    textInputSchemas.payload.parse(asked.payload);
    expectTypeOf<ResponseOf<typeof asked>>().toEqualTypeOf<TextInputAnswer>();
    expectTypeOf<ResponseOf<typeof asked>>().toExtend<TextInputResponse>();
  });

  it('form: the payload parses; the answer is keyed by field name and typed by field type', () => {
    const payload = formSchemas.payload.parse(SETTINGS.payload);
    const answer: FormAnswer<typeof SETTINGS.payload.fields> = { replicas: 3, region: 'eu', notify: true };
    expect(formResponseFor(payload).safeParse(answer).success).toBe(true);
    type Answer = ResponseOf<typeof SETTINGS>;
    expectTypeOf<Answer['replicas']>().toEqualTypeOf<number>();
    expectTypeOf<Answer['region']>().toEqualTypeOf<'eu' | 'us'>();
    expectTypeOf<Answer['tier']>().toEqualTypeOf<'gold' | '' | null | undefined>();
    expectTypeOf<Answer['notify']>().toEqualTypeOf<boolean | null | undefined>();
    expectTypeOf<Answer['note']>().toEqualTypeOf<string | null | undefined>();
    expectTypeOf<keyof Answer>().toEqualTypeOf<'replicas' | 'region' | 'tier' | 'notify' | 'note'>();
    expectTypeOf<Answer>().toExtend<FormResponse>();
    // @ts-expect-error replicas is required
    const missing: Answer = { region: 'us' };
    // @ts-expect-error not one of the select's values
    const wrong: Answer = { replicas: 1, region: 'asia' };
    expect([missing, wrong]).toHaveLength(2);
  });

  it('form: a multiselect answers a list of its option values; length rules parse', () => {
    const asked = form({
      fields: [
        {
          name: 'regions',
          type: 'multiselect',
          label: 'Regions',
          required: true,
          options: ['eu', { value: 'us', label: 'US' }],
          max: 2,
          defaultValue: ['eu'],
        },
        { name: 'extras', type: 'multiselect', label: 'Extras', options: ['logs', 'metrics'] },
        { name: 'title', type: 'text', label: 'Title', minLength: 3, maxLength: 80 },
      ],
    });
    const payload = formSchemas.payload.parse(asked.payload);
    const answer: FormAnswer<typeof asked.payload.fields> = {
      regions: ['us', 'eu'],
      extras: [],
      title: 'Go',
    };
    expect(formResponseFor(payload).safeParse({ ...answer, title: 'Rollout' }).success).toBe(true);
    expect(formResponseFor(payload).safeParse(answer).error?.issues).toMatchObject([
      { path: ['title'], message: 'at least 3 characters' },
    ]);
    type Answer = ResponseOf<typeof asked>;
    expectTypeOf<Answer['regions']>().toEqualTypeOf<('eu' | 'us')[]>();
    expectTypeOf<Answer['regions']>().toExtend<string[]>();
    expectTypeOf<Answer['extras']>().toEqualTypeOf<('logs' | 'metrics')[] | null | undefined>();
    expectTypeOf<Answer['title']>().toEqualTypeOf<string | null | undefined>();
    expectTypeOf<Answer>().toExtend<FormResponse>();
    // @ts-expect-error not one of the multiselect's values
    const wrong: Answer = { regions: ['asia'] };
    // @ts-expect-error a multiselect answers a list, not one value
    const single: Answer = { regions: 'eu' };
    expect([wrong, single]).toHaveLength(2);
    // A field built at run time (its type not one literal) may hold the value of any field type.
    expectTypeOf<FormFieldValue<FormField>>().toEqualTypeOf<string | number | boolean | string[]>();
  });

  it('a typed default response on timeout must be a valid answer', () => {
    const asked = approval(
      {
        options: [
          { id: 'yes', label: 'Yes' },
          { id: 'no', label: 'No' },
        ],
      },
      { onTimeout: { response: { selectedOption: 'no' } } },
    );
    expect(asked.onTimeout).toEqual({ response: { selectedOption: 'no' } });
    const yesOnly = { options: [{ id: 'yes', label: 'Yes' }] } as const;
    // @ts-expect-error 'maybe' is not an option of this approval
    const maybe = { onTimeout: { response: { selectedOption: 'maybe' } } } satisfies Parameters<
      typeof approval<typeof yesOnly.options>
    >[1];
    expect(maybe).toBeDefined();
  });

  it('reviewType(schemas) types a review from a plugin’s own schemas (a third-party type too)', () => {
    const approve = reviewType(approvalSchemas);
    const asked = approve({ options: [{ id: 'x', label: 'X' }] }, { expiresInSeconds: 60 });
    expect(asked).toEqual({
      type: 'approval',
      payload: { options: [{ id: 'x', label: 'X' }] },
      expiresInSeconds: 60,
    });
    expectTypeOf<ResponseOf<typeof asked>>().toEqualTypeOf<ApprovalResponse>();
    const rated = review<{ stars: number }>('rating', { max: 5 });
    expectTypeOf<ResponseOf<typeof rated>>().toEqualTypeOf<{ stars: number }>();
    const plain: Wire<'ReviewInput'> = { type: 'approval', payload: {} };
    expectTypeOf<ResponseOf<typeof plain>>().toEqualTypeOf<Record<string, unknown>>();
  });
});

describe('typed results against a real server', () => {
  let s: TestServer;
  let placet: PlacetClient;
  beforeAll(async () => {
    s = await startServer();
    placet = createClient({ url: s.url, apiKey: s.apiKey });
  });
  afterAll(() => s.close());

  it('ask() with a form returns the answer typed by its fields', async () => {
    let id = '';
    const asking = placet.ask(s.channelId, {
      text: 'Configure the rollout',
      review: SETTINGS,
      onCreated: (m) => {
        id = m.id;
      },
    });
    await expect.poll(() => s.placet.reviews.waiterCount()).toBe(1);
    await s.placet.reviews.respond(s.human, id, { response: { replicas: 2, region: 'us', note: '' } });
    const result = await asking;
    expectTypeOf(result).toEqualTypeOf<AskResult<FormAnswer<typeof SETTINGS.payload.fields>>>();
    if (result.status !== 'completed' || result.dismissed) throw new Error(`not answered: ${result.status}`);
    expectTypeOf(result.response.replicas).toEqualTypeOf<number>();
    expect(result.response.replicas + 1).toBe(3);
    expect(result.response.region).toBe('us');
  });

  it('ask() with an approval: `response.selectedOption` is one of its ids', async () => {
    let id = '';
    const asking = placet.ask(s.channelId, {
      review: DEPLOY,
      onCreated: (m) => {
        id = m.id;
      },
    });
    await expect.poll(() => s.placet.reviews.waiterCount()).toBe(1);
    await s.placet.reviews.respond(s.human, id, {
      response: { selectedOption: 'stop', comment: 'not today' },
    });
    const result = await asking;
    if (result.status === 'expired') throw new Error('expired');
    if (!result.dismissed) {
      expectTypeOf(result.response.selectedOption).toEqualTypeOf<'deploy' | 'stop'>();
      expect(result.response).toEqual({ selectedOption: 'stop', comment: 'not today' });
    }
  });

  it('call() results and inputs are the contract’s types', () => {
    expectTypeOf<ResultOf<'getAgent'>>().toEqualTypeOf<
      z.output<typeof import('@placet/core/contract').Channel>
    >();
    expectTypeOf<ResultOf<'listFiles'>>().toEqualTypeOf<Wire<'Attachment'>[]>();
    expectTypeOf<ResultOf<'downloadFile'>>().toEqualTypeOf<Response>();
    expectTypeOf(placet.call<'getAgent'>)
      .parameter(1)
      .toExtend<{ params: { id: string } }>();
    // @ts-expect-error the path parameter is required
    void (() => placet.call('getAgent', {}));
    // @ts-expect-error the body is the contract's MessageCreate: channelId is required
    void (() => placet.call('createMessage', { body: { text: 'hi' } }));
  });
});
