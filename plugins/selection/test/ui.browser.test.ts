/// <reference lib="dom" />
/**
 * `<placet-selection>` in real Chromium: bundles src/ui.ts with esbuild (from sources, nothing built),
 * serves it on 127.0.0.1, answers with the keyboard and checks every event against the server's parser.
 * Skips only when /usr/bin/chromium is missing and CI is not set.
 */
import { PluginRegistry } from '@placet/core/plugin';
import { describeReviewElement, pendingReview } from '@placet/test-utils/browser';
import { expect, it } from 'vitest';
import { selection } from '../src/index.js';

const TAG = 'placet-selection';
const registry = new PluginRegistry([selection()]);
const items = [
  { id: 'id_a', label: 'Alpha', description: 'The first letter' },
  { id: 'id_b', label: 'Beta' },
  { id: 'id_c', label: 'Gamma', description: 'The third letter' },
];
const single = { mode: 'single', items, submitLabel: 'Pick', dismissLabel: 'None of these' };
const multi = { mode: 'multi', items };
const review = (payload: object, extra: object = {}) => pendingReview('selection', payload, extra);

const ELEMENT = { tag: TAG, entry: new URL('../src/ui.ts', import.meta.url) };

describeReviewElement('<placet-selection> in Chromium', ELEMENT, (ui) => {
  const { el, mount, events, focused } = ui;

  it('single mode: radio buttons, arrow keys choose, Enter on the submit button sends one id', async () => {
    await mount({ payload: single, review: review(single) });
    expect(await el('input[type="radio"][data-option]').count()).toBe(3);
    expect(await el('[data-action="submit"]').textContent()).toBe('Pick');
    // Descriptions are shown and described-by their radio.
    expect(await el('.description').allTextContents()).toEqual(['The first letter', 'The third letter']);
    const described = await el('[data-option="id_a"]').getAttribute('aria-describedby');
    expect(await el(`#${described}`).textContent()).toBe('The first letter');

    await ui.page.keyboard.press('Tab');
    expect(await focused('[data-option="id_a"]')).toBe(true);
    await ui.page.keyboard.press('ArrowDown'); // moves to and checks Beta
    expect(await el('[data-option="id_b"]').isChecked()).toBe(true);
    await ui.page.keyboard.press('Tab');
    expect(await focused('[data-action="submit"]')).toBe(true);
    await ui.page.keyboard.press('Enter');
    const [event, ...more] = await events();
    expect(more).toEqual([]);
    expect(event).toEqual({
      response: { selectedIds: ['id_b'] },
      bubbles: true,
      composed: true,
      target: TAG,
    });
    expect(registry.parseResponse('selection', single, event?.response)).toEqual(event?.response);
  });

  it('single mode: submitting nothing shows the server’s message as a sentence and sends nothing', async () => {
    await mount({ payload: single, review: review(single) });
    await el('[data-action="submit"]').focus();
    await ui.page.keyboard.press('Enter');
    expect(await events()).toEqual([]);
    const alert = el('[data-errors-for="selectedIds"] .error[role="alert"]');
    expect(await alert.textContent()).toBe('Select exactly one item (mode is single)');
    expect(await el('[data-option="id_a"]').getAttribute('aria-invalid')).toBe('true');
    // The first option takes the focus; choosing and sending clears the message.
    expect(await focused('[data-option="id_a"]')).toBe(true);
    await ui.page.keyboard.press('Space');
    await el('[data-action="submit"]').focus();
    await ui.page.keyboard.press('Enter');
    expect((await events()).map((e) => e.response)).toEqual([{ selectedIds: ['id_a'] }]);
    expect(await el('.error').count()).toBe(0);
  });

  it('a click anywhere on an option chooses it, its description included; its name stays its label', async () => {
    await mount({ payload: single, review: review(single) });
    await el('.description').filter({ hasText: 'The third letter' }).click();
    expect(await el('[data-option="id_c"]').isChecked()).toBe(true);
    await el('.description').filter({ hasText: 'The first letter' }).click();
    expect(await el('[data-option="id_a"]').isChecked()).toBe(true);
    expect(await el('[data-option="id_c"]').isChecked()).toBe(false);
    // The description describes the radio; it is not part of its name.
    expect(await ui.page.getByRole('radio', { name: 'Gamma', exact: true }).getAttribute('data-option')).toBe(
      'id_c',
    );
    await ui.page.getByText('Beta', { exact: true }).click();
    expect(await el('[data-option="id_b"]').isChecked()).toBe(true);

    await mount({ payload: multi, review: review(multi) });
    const description = el('.description').filter({ hasText: 'The first letter' });
    await description.click();
    expect(await el('[data-option="id_a"]').isChecked()).toBe(true);
    await description.click(); // a checkbox toggles back
    expect(await el('[data-option="id_a"]').isChecked()).toBe(false);
    expect(await ui.page.getByRole('checkbox', { name: 'Alpha', exact: true }).count()).toBe(1);
  });

  it('multi mode: checkboxes, Space toggles, ids in list order', async () => {
    await mount({ payload: multi, review: review(multi) });
    expect(await el('input[type="checkbox"][data-option]').count()).toBe(3);
    expect(await el('[data-action="submit"]').textContent()).toBe('Confirm selection');
    expect(await el('[data-action="dismiss"]').count()).toBe(0);
    await ui.page.keyboard.press('Tab');
    await ui.page.keyboard.press('Space'); // Alpha
    await ui.page.keyboard.press('Tab');
    await ui.page.keyboard.press('Tab');
    await ui.page.keyboard.press('Space'); // Gamma
    await ui.page.keyboard.press('Tab');
    await ui.page.keyboard.press('Enter');
    const responses = (await events()).map((e) => e.response);
    expect(responses).toEqual([{ selectedIds: ['id_a', 'id_c'] }]);
    expect(registry.parseResponse('selection', multi, responses[0])).toEqual(responses[0]);
  });

  it('multi mode: nothing selected is refused in the browser as on the server', async () => {
    await mount({ payload: multi, review: review(multi) });
    await el('[data-action="submit"]').focus();
    await ui.page.keyboard.press('Enter');
    expect(await events()).toEqual([]);
    expect(await el('.error[role="alert"]').textContent()).toBe('Select at least one item');
    expect(() => registry.parseResponse('selection', multi, { selectedIds: [] })).toThrow(
      /select at least one item/,
    );
  });

  it('dismisses with the dismissLabel button', async () => {
    await mount({ payload: single, review: review(single) });
    expect(await el('[data-action="dismiss"]').textContent()).toBe('None of these');
    await el('[data-action="dismiss"]').focus();
    await ui.page.keyboard.press('Space');
    expect((await events()).map((e) => e.response)).toEqual([{ _dismissed: true }]);
  });

  it('readonly disables the options', async () => {
    await mount({ payload: single, review: review(single), readonly: true });
    expect(await el('[data-option="id_a"]').isDisabled()).toBe(true);
    expect(await el('[data-action="submit"]').isDisabled()).toBe(true);
  });

  it('shows a completed review by label, with who answered', async () => {
    await mount({
      payload: multi,
      review: review(multi, {
        status: 'completed',
        response: { selectedIds: ['id_c', 'id_a'] },
        respondedBy: 'grace',
        completedAt: '2030-01-02T03:04:05.000Z',
      }),
    });
    expect(await el('.chosen li').allTextContents()).toEqual(['Gamma', 'Alpha']);
    const text = await el('.placet').textContent();
    expect(text).not.toContain('id_');
    expect(await el('.answered-by').textContent()).toContain('grace');
    expect(await el('input, button').count()).toBe(0);
  });

  it('shows an expired review as Expired, without controls', async () => {
    await mount({ payload: single, review: review(single, { status: 'expired' }) });
    expect(await el('.placet').textContent()).toBe('Expired');
    expect(await el('input, button').count()).toBe(0);
  });
});
