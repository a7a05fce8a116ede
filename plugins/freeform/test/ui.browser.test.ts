/// <reference lib="dom" />
/**
 * `<placet-freeform>` in real Chromium: bundles src/ui.ts with esbuild (from sources, nothing built),
 * serves it on 127.0.0.1, answers with the keyboard and checks every event against the server's parser.
 * Skips only when /usr/bin/chromium is missing and CI is not set.
 */
import { PluginRegistry } from '@placet/core/plugin';
import { describeReviewElement, pendingReview } from '@placet/test-utils/browser';
import { expect, it } from 'vitest';
import { freeform } from '../src/index.js';

const TAG = 'placet-freeform';
const registry = new PluginRegistry([freeform()]);
const payload = {
  plugin: 'poll',
  schema: { type: 'object', properties: { choice: { type: 'string' } } },
  question: 'Which one?',
  dismissLabel: 'Ignore',
};
const review = (p: object, extra: object = {}) => pendingReview('freeform', p, extra);

const ELEMENT = { tag: TAG, entry: new URL('../src/ui.ts', import.meta.url) };

describeReviewElement('<placet-freeform> in Chromium', ELEMENT, (ui) => {
  const { el, mount, events } = ui;

  it('shows the schema and the payload, and sends a typed JSON object with Ctrl+Enter', async () => {
    await mount({ payload, review: review(payload) });
    expect(await el('details pre').first().textContent()).toContain('"choice"');
    expect(await el('details pre').nth(1).textContent()).toContain('Which one?');
    expect(await el('.placet').textContent()).toContain('poll');
    const textarea = el('textarea[name="json"]');
    expect(await textarea.inputValue()).toBe('{}');
    expect(await el('label[for="json"]').count()).toBe(1);
    await textarea.focus();
    await ui.page.keyboard.press('ControlOrMeta+a');
    await ui.page.keyboard.insertText('{"choice": "b", "n": [1, 2]}');
    await ui.page.keyboard.press('Control+Enter');
    const [event, ...more] = await events();
    expect(more).toEqual([]);
    expect(event).toEqual({
      response: { choice: 'b', n: [1, 2] },
      bubbles: true,
      composed: true,
      target: TAG,
    });
    expect(registry.parseResponse('freeform', payload, event?.response)).toEqual(event?.response);
  });

  it('invalid JSON, or JSON that is not an object, shows a sentence and sends nothing', async () => {
    await mount({ payload, review: review(payload) });
    const textarea = el('textarea[name="json"]');
    await textarea.fill('{"choice": ');
    await el('[data-action="submit"]').focus();
    await ui.page.keyboard.press('Enter');
    expect(await events()).toEqual([]);
    const alert = el('[data-errors-for="json"] .error[role="alert"]');
    expect(await alert.textContent()).toMatch(/^Invalid JSON: /);
    expect(await textarea.getAttribute('aria-invalid')).toBe('true');

    await textarea.fill('[1, 2]');
    await el('[data-action="submit"]').focus();
    await ui.page.keyboard.press('Enter');
    expect(await events()).toEqual([]);
    expect(await el('.error').count()).toBe(1);
    const server = (() => {
      try {
        registry.parseResponse('freeform', payload, [1, 2]);
      } catch (error) {
        return (error as { issues: { message: string }[] }).issues[0]?.message;
      }
    })();
    // The server answers an agent in zod's words; a person reads a sentence.
    expect(server).toBe('Invalid input: expected record, received array');
    expect(await alert.textContent()).toBe('Must be an object, not a list');
  });

  it('dismisses with the dismissLabel button', async () => {
    await mount({ payload, review: review(payload) });
    expect(await el('[data-action="dismiss"]').textContent()).toBe('Ignore');
    await el('[data-action="dismiss"]').focus();
    await ui.page.keyboard.press('Enter');
    expect((await events()).map((e) => e.response)).toEqual([{ _dismissed: true }]);
    await mount({ payload: {}, review: review({}) });
    expect(await el('[data-action="dismiss"]').count()).toBe(0);
    expect(await el('details').count()).toBe(0);
  });

  it('readonly disables the controls; completed shows the JSON and who answered', async () => {
    await mount({ payload, review: review(payload), readonly: true });
    expect(await el('textarea').isDisabled()).toBe(true);
    expect(await el('[data-action="submit"]').isDisabled()).toBe(true);
    await mount({
      payload,
      review: review(payload, { status: 'completed', response: { choice: 'b' }, respondedBy: 'kay' }),
    });
    expect(JSON.parse((await el('.answer pre').textContent()) ?? '')).toEqual({ choice: 'b' });
    expect(await el('.answered-by').textContent()).toContain('kay');
    expect(await el('textarea, button').count()).toBe(0);
    await mount({ payload, review: review(payload, { status: 'expired' }) });
    expect(await el('.placet').textContent()).toBe('Expired');
  });
});
