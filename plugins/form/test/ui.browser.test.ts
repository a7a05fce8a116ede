/// <reference lib="dom" />
/**
 * `<placet-form>` in real Chromium: bundles src/ui.ts with esbuild (from sources, nothing built), serves
 * it on 127.0.0.1, fills all thirteen field types (with the keyboard, a multiselect's checkboxes by clicks)
 * and checks every event against the server's parser. Skips only when /usr/bin/chromium is missing and CI is not set.
 */
import { PluginRegistry } from '@placet/core/plugin';
import { describeReviewElement, pendingReview } from '@placet/test-utils/browser';
import { expect, it } from 'vitest';
import { FORM_FIELD_TYPES, type FormPayload, form, formResponseFor } from '../src/index.js';

const TAG = 'placet-form';
const registry = new PluginRegistry([form()]);
const payload = {
  submitLabel: 'Save',
  dismissLabel: 'Later',
  fields: [
    {
      name: 'name',
      type: 'text',
      label: 'Name',
      required: true,
      placeholder: 'Ada Lovelace',
      description: 'Full name',
    },
    { name: 'age', type: 'number', label: 'Age', required: true, min: 0, max: 150, step: 1, unit: 'years' },
    { name: 'email', type: 'email', label: 'Email', required: true },
    { name: 'site', type: 'url', label: 'Website' },
    { name: 'bio', type: 'textarea', label: 'Bio', defaultValue: 'Hi' },
    {
      name: 'plan',
      type: 'select',
      label: 'Plan',
      required: true,
      options: ['free', { value: 'pro', label: 'Professional' }],
    },
    { name: 'agree', type: 'checkbox', label: 'Agree', description: 'I accept the terms' },
    { name: 'day', type: 'date', label: 'Day' },
    { name: 'at', type: 'time', label: 'At' },
    { name: 'when', type: 'datetime', label: 'When' },
    { name: 'volume', type: 'range', label: 'Volume', min: 0, max: 10, step: 2, unit: 'dB', defaultValue: 4 },
    { name: 'secret', type: 'password', label: 'Secret', minLength: 4, maxLength: 12 },
    {
      name: 'tags',
      type: 'multiselect',
      label: 'Tags',
      required: true,
      description: 'Pick up to two',
      options: ['red', { value: 'g', label: 'Green' }, 'blue'],
      defaultValue: ['blue'],
      max: 2,
    },
  ],
} satisfies FormPayload;
const review = (p: object, extra: object = {}) => pendingReview('form', p, extra);
/** A message as the element shows it: the plugin words its messages as fragments ("required"). */
const sentence = (message: string) => message.charAt(0).toUpperCase() + message.slice(1);

const ELEMENT = { tag: TAG, entry: new URL('../src/ui.ts', import.meta.url), page: { locale: 'en-US' } };

describeReviewElement('<placet-form> in Chromium', ELEMENT, (ui) => {
  const { el, mount, events } = ui;
  const field = (name: string) => el(`[name="${name}"]`);
  const focusedName = () =>
    ui.page.evaluate(
      (tag) => document.querySelector(tag)?.shadowRoot?.activeElement?.getAttribute('name'),
      TAG,
    );

  it('renders one labelled native control per field type, with the payload’s options', async () => {
    expect(new Set(payload.fields.map((f) => f.type))).toEqual(new Set(FORM_FIELD_TYPES));
    await mount({ payload, review: review(payload) });
    const controls = await el('[name]').evaluateAll((nodes) =>
      nodes.map((n) => {
        const root = n.getRootNode() as ShadowRoot;
        const label = root.querySelector(`label[for="${n.id}"]`)?.textContent;
        return [n.getAttribute('name'), n.localName, n.getAttribute('type'), label];
      }),
    );
    expect(controls).toEqual([
      ['name', 'input', 'text', 'Name'],
      ['age', 'input', 'number', 'Age'],
      ['email', 'input', 'email', 'Email'],
      ['site', 'input', 'url', 'Website'],
      ['bio', 'textarea', null, 'Bio'],
      ['plan', 'select', null, 'Plan'],
      ['agree', 'input', 'checkbox', 'Agree'],
      ['day', 'input', 'date', 'Day'],
      ['at', 'input', 'time', 'At'],
      ['when', 'input', 'datetime-local', 'When'],
      ['volume', 'input', 'range', 'Volume'],
      ['secret', 'input', 'password', 'Secret'],
      ['tags', 'input', 'checkbox', 'red'],
      ['tags', 'input', 'checkbox', 'Green'],
      ['tags', 'input', 'checkbox', 'blue'],
    ]);
    expect(await field('name').getAttribute('placeholder')).toBe('Ada Lovelace');
    expect(await el('.description').first().textContent()).toBe('Full name');
    expect(await el('label.required').allTextContents()).toEqual(['Name', 'Age', 'Email', 'Plan']);
    expect(await el('legend.required').allTextContents()).toEqual(['Tags']);
    expect(
      await field('secret').evaluate((n) => [n.getAttribute('minlength'), n.getAttribute('maxlength')]),
    ).toEqual(['4', '12']);
    expect(
      await field('name').evaluate((n) => n.hasAttribute('minlength') || n.hasAttribute('maxlength')),
    ).toBe(false);
    expect(
      await field('tags').evaluateAll((boxes) =>
        boxes.map((b) => [b.getAttribute('value'), (b as HTMLInputElement).checked]),
      ),
    ).toEqual([
      ['red', false],
      ['g', false],
      ['blue', true],
    ]);
    expect(await field('age').evaluate((n) => [n.getAttribute('min'), n.getAttribute('max')])).toEqual([
      '0',
      '150',
    ]);
    expect(await field('plan').locator('option').allTextContents()).toEqual([
      'Select…',
      'free',
      'Professional',
    ]);
    expect(await field('bio').inputValue()).toBe('Hi');
    expect(await field('volume').inputValue()).toBe('4');
    expect(await el('output').textContent()).toBe('4 dB');
    expect(await el('[data-action="submit"]').textContent()).toBe('Save');
  });

  it('fills every field with the keyboard; Enter submits typed values the server accepts', async () => {
    await mount({ payload, review: review(payload) });
    await ui.page.keyboard.press('Tab');
    expect(await focusedName()).toBe('name');
    await ui.page.keyboard.type('Ada');
    await ui.page.keyboard.press('Tab');
    await ui.page.keyboard.type('36');
    await ui.page.keyboard.press('Tab');
    await ui.page.keyboard.type('ada@example.com');
    await ui.page.keyboard.press('Tab');
    await ui.page.keyboard.type('https://ada.dev');
    await ui.page.keyboard.press('Tab');
    expect(await focusedName()).toBe('bio');
    await ui.page.keyboard.press('End');
    await ui.page.keyboard.press('Enter'); // a line break in the textarea
    await ui.page.keyboard.type('there');
    await ui.page.keyboard.press('Tab');
    expect(await focusedName()).toBe('plan');
    await ui.page.keyboard.press('ArrowDown');
    await ui.page.keyboard.press('ArrowDown');
    expect(await field('plan').inputValue()).toBe('pro');
    await ui.page.keyboard.press('Tab');
    await ui.page.keyboard.press('Space');
    // Date and time pickers take their ISO value (their keyboard entry follows the locale).
    await field('day').fill('2026-03-14');
    await field('at').fill('09:30');
    await field('when').fill('2026-03-14T09:30');
    await field('volume').focus(); // Tab steps through the segments of a datetime-local input
    expect(await focusedName()).toBe('volume');
    await ui.page.keyboard.press('ArrowRight');
    expect(await el('output').textContent()).toBe('6 dB');
    await ui.page.keyboard.press('Tab');
    await ui.page.keyboard.type('s3cret');
    await ui.page.keyboard.press('Enter');
    const [event, ...more] = await events();
    expect(more).toEqual([]);
    const expected = {
      name: 'Ada',
      age: 36,
      email: 'ada@example.com',
      site: 'https://ada.dev',
      bio: 'Hi\nthere',
      plan: 'pro',
      agree: true,
      day: '2026-03-14',
      at: '09:30',
      when: '2026-03-14T09:30',
      volume: 6,
      secret: 's3cret',
      tags: ['blue'],
    };
    expect(event).toEqual({ response: expected, bubbles: true, composed: true, target: TAG });
    expect(registry.parseResponse('form', payload, event?.response)).toEqual(expected);
  });

  it('sends null for empty optional fields and false for an unticked checkbox', async () => {
    await mount({ payload, review: review(payload) });
    await field('name').fill('Ada');
    await field('age').fill('0');
    await field('email').fill('a@b.co');
    await field('plan').selectOption('free');
    await field('email').focus();
    await ui.page.keyboard.press('Enter');
    const response = (await events())[0]?.response;
    expect(response).toEqual({
      name: 'Ada',
      age: 0,
      email: 'a@b.co',
      site: null,
      bio: 'Hi',
      plan: 'free',
      agree: false,
      day: null,
      at: null,
      when: null,
      volume: 4,
      secret: null,
      tags: ['blue'],
    });
    expect(registry.parseResponse('form', payload, response)).toEqual(response);
  });

  it('invalid answers show the server’s messages, as sentences, next to each field and send nothing', async () => {
    await mount({ payload, review: review(payload) });
    await field('age').fill('36.5');
    await field('email').fill('nope');
    await field('site').fill('ftp://x.y');
    await field('age').focus();
    await ui.page.keyboard.press('Enter');
    expect(await events()).toEqual([]);
    const sent = {
      name: null,
      age: 36.5,
      email: 'nope',
      site: 'ftp://x.y',
      bio: 'Hi',
      plan: null,
      agree: false,
      day: null,
      at: null,
      when: null,
      volume: 4,
      secret: null,
      tags: ['blue'],
    };
    const issues = formResponseFor(payload).safeParse(sent).error?.issues ?? [];
    expect(issues.map((i) => i.path[0]).sort()).toEqual(['age', 'email', 'name', 'plan', 'site']);
    for (const issue of issues) {
      const key = String(issue.path[0]);
      expect(await el(`[data-errors-for="${key}"] .error[role="alert"]`).textContent()).toBe(
        sentence(issue.message),
      );
      expect(await field(key).getAttribute('aria-invalid')).toBe('true');
    }
    expect(await el('[data-errors-for="name"] .error').textContent()).toBe('Required');
    expect(await focusedName()).toBe('name'); // the first invalid field takes the focus

    // Fixing them clears the messages and sends.
    await field('name').fill('Ada');
    await field('age').fill('36');
    await field('email').fill('ada@example.com');
    await field('site').fill('');
    await field('plan').selectOption('pro');
    await field('name').press('Enter');
    expect((await events()).length).toBe(1);
    expect(await el('.error').count()).toBe(0);
  });

  it('a number out of range reads as a sentence, not as zod’s default message', async () => {
    await mount({ payload, review: review(payload) });
    await field('name').fill('Ada');
    await field('email').fill('ada@example.com');
    await field('plan').selectOption('free');
    const alert = el('[data-errors-for="age"] .error[role="alert"]');
    const server = (age: number) => formResponseFor(payload).safeParse({ age }).error?.issues;
    expect(server(200)?.find((i) => i.path[0] === 'age')?.message).toBe(
      'Too big: expected number to be <=150',
    );
    await field('age').fill('200');
    await field('age').press('Enter');
    expect(await events()).toEqual([]);
    expect(await alert.textContent()).toBe('Must be at most 150');
    expect(await field('age').getAttribute('aria-invalid')).toBe('true');
    await field('age').fill('-1');
    await field('age').press('Enter');
    expect(await alert.textContent()).toBe('Must be at least 0');
  });

  it('a multiselect is a described group of labelled checkboxes; clicks answer it, in option order', async () => {
    await mount({ payload, review: review(payload) });
    const group = ui.page.getByRole('group', { name: 'Tags' });
    const describedBy = await group.getAttribute('aria-describedby');
    expect(await el(`#${describedBy}`).textContent()).toBe('Pick up to two');
    const box = (name: string) => group.getByRole('checkbox', { name, exact: true });
    await box('blue').click(); // unticks the default
    await box('Green').click();
    await box('red').click();
    await field('name').fill('Ada');
    await field('age').fill('36');
    await field('email').fill('ada@example.com');
    await field('plan').selectOption('free');
    await el('[data-action="submit"]').click();
    const response = (await events())[0]?.response as Record<string, unknown> | undefined;
    expect(response?.tags).toEqual(['red', 'g']); // the options' order, not the clicks'
    expect(registry.parseResponse('form', payload, response)).toEqual(response);
  });

  it('a multiselect shows the server’s messages: nothing chosen, too many chosen', async () => {
    await mount({ payload, review: review(payload) });
    await field('name').fill('Ada');
    await field('age').fill('36');
    await field('email').fill('ada@example.com');
    await field('plan').selectOption('free');
    await field('tags').nth(2).uncheck();
    await el('[data-action="submit"]').click();
    expect(await events()).toEqual([]);
    expect(await el('[data-errors-for="tags"] .error[role="alert"]').textContent()).toBe('Required');
    expect(
      await field('tags').evaluateAll((boxes) => boxes.map((b) => b.getAttribute('aria-invalid'))),
    ).toEqual(['true', 'true', 'true']);
    expect(
      await ui.page.evaluate(
        (tag) => document.querySelector(tag)?.shadowRoot?.activeElement?.getAttribute('value'),
        TAG,
      ),
    ).toBe('red');

    for (const index of [0, 1, 2]) await field('tags').nth(index).check();
    await el('[data-action="submit"]').click();
    expect(await events()).toEqual([]);
    expect(await el('[data-errors-for="tags"] .error').textContent()).toBe('Choose at most 2 options');

    await field('tags').nth(0).uncheck();
    await el('[data-action="submit"]').click();
    expect((await events())[0]?.response).toMatchObject({ tags: ['g', 'blue'] });
    expect(await el('.error').count()).toBe(0);
  });

  it('readonly disables every control', async () => {
    await mount({ payload, review: review(payload), readonly: true });
    const controls = await el('[name]').all();
    expect(controls).toHaveLength(payload.fields.length + 2); // a checkbox per option of the multiselect
    for (const control of controls) expect(await control.isDisabled()).toBe(true);
    expect(await el('[data-action="submit"]').isDisabled()).toBe(true);
  });

  it('shows a completed review with labels, units, Yes/No, chosen options and a masked password', async () => {
    const response = {
      ...Object.fromEntries(payload.fields.map((f) => [f.name, null])),
      name: 'Ada',
      age: 36,
      plan: 'pro',
      agree: true,
      volume: 6,
      secret: 'hunter2',
      tags: ['g', 'red'],
    };
    await mount({
      payload,
      review: review(payload, {
        status: 'completed',
        response,
        respondedBy: 'ada',
        completedAt: '2030-01-02T03:04:05.000Z',
      }),
    });
    const rows = await el('dl.answers dt').allTextContents();
    const values = await el('dl.answers dd').allTextContents();
    const shown = Object.fromEntries(rows.map((r, i) => [r, values[i]]));
    expect(shown).toMatchObject({
      Name: 'Ada',
      Age: '36 years',
      Plan: 'Professional',
      Agree: 'Yes',
      Volume: '6 dB',
      Secret: '••••••••',
      Website: '—',
      Tags: 'Green, red',
    });
    expect(await el('.placet').textContent()).not.toContain('hunter2');
    expect(await el('.answered-by').textContent()).toContain('ada');
    expect(await el('input, select, textarea, button').count()).toBe(0);
  });
});
