/// <reference lib="dom" />
/**
 * `<placet-rating>` in real Chromium: bundles src/ui.ts with esbuild (from sources, nothing built),
 * serves it on 127.0.0.1, answers with the keyboard and checks every event against the server's parser.
 * Skips only when /usr/bin/chromium is missing and CI is not set (with CI set, a missing browser fails).
 */
import { PluginRegistry } from '@placet/core/plugin';
import { describeReviewElement, pendingReview } from '@placet/test-utils/browser';
import { expect, it } from 'vitest';
import { rating } from '../src/index.js';

const TAG = 'placet-rating';
const registry = new PluginRegistry([rating()]);
const LABELS = ['Terrible', 'Poor', 'Okay', 'Good', 'Excellent'];
const five = { max: 5, labels: LABELS, dismissLabel: 'Not now' };
const review = (payload: object, extra: object = {}) => pendingReview('rating', payload, extra);

const ELEMENT = { tag: TAG, entry: new URL('../src/ui.ts', import.meta.url) };

describeReviewElement('<placet-rating> in Chromium', ELEMENT, (ui) => {
  const { el, mount, events, focused } = ui;
  const checked = () =>
    el('input[name="stars"]').evaluateAll((inputs) =>
      inputs.filter((i) => (i as HTMLInputElement).checked).map((i) => (i as HTMLInputElement).value),
    );

  it('renders one native radio per star, named by its label, in an open shadow root', async () => {
    await mount({ payload: five, review: review(five) });
    expect(await ui.page.evaluate((tag) => document.querySelector(tag)?.shadowRoot?.mode, TAG)).toBe('open');
    const radios = el('input[type="radio"][name="stars"]');
    expect(await radios.count()).toBe(5);
    expect(await radios.evaluateAll((all) => all.map((i) => i.getAttribute('data-option')))).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
    ]);
    // The label text is the accessible name (and the tooltip of the visible star).
    for (const [i, label] of LABELS.entries()) {
      expect(await ui.page.getByRole('radio', { name: label, exact: true }).getAttribute('value')).toBe(
        String(i + 1),
      );
    }
    expect(await el('.star label').allTextContents()).toEqual(['★', '★', '★', '★', '★']);
    expect(await el('label[for="star-4"]').getAttribute('title')).toBe('Good');
    expect(await el('textarea[name="comment"]').getAttribute('maxlength')).toBe('2000');
    expect(await el('[data-action="submit"]').textContent()).toBe('Submit rating');
    expect(await el('[data-action="dismiss"]').textContent()).toBe('Not now');
  });

  it('arrow keys move between stars and choose; Enter on the submit button sends { stars }', async () => {
    await mount({ payload: five, review: review(five) });
    await ui.page.keyboard.press('Tab');
    expect(await focused('[data-option="1"]')).toBe(true);
    expect(await checked()).toEqual([]);
    await ui.page.keyboard.press('ArrowRight');
    await ui.page.keyboard.press('ArrowRight');
    await ui.page.keyboard.press('ArrowRight');
    expect(await focused('[data-option="4"]')).toBe(true);
    expect(await checked()).toEqual(['4']);
    expect(await el('[data-current]').textContent()).toBe('4/5 · Good');
    await ui.page.keyboard.press('ArrowLeft');
    expect(await checked()).toEqual(['3']);
    await ui.page.keyboard.press('ArrowRight');
    await ui.page.keyboard.press('Tab'); // out of the group, into the comment
    expect(await focused('textarea[name="comment"]')).toBe(true);
    await ui.page.keyboard.press('Tab');
    expect(await focused('[data-action="submit"]')).toBe(true);
    await ui.page.keyboard.press('Enter');
    const [event, ...more] = await events();
    expect(more).toEqual([]);
    expect(event).toEqual({ response: { stars: 4 }, bubbles: true, composed: true, target: TAG });
    expect(registry.parseResponse('rating', five, event?.response)).toEqual(event?.response);
  });

  it('sends the comment; Ctrl+Enter submits from the textarea', async () => {
    await mount({ payload: { max: 10 }, review: review({ max: 10 }) });
    expect(await el('input[name="stars"]').count()).toBe(10);
    // Without labels the stars are named by their number.
    expect(await el('[data-option="1"]').getAttribute('aria-label')).toBe('1 star');
    expect(await el('[data-option="7"]').getAttribute('aria-label')).toBe('7 stars');
    await ui.page.keyboard.press('Tab');
    await ui.page.keyboard.press('ArrowLeft'); // from the first star, wraps to the last
    expect(await checked()).toEqual(['10']);
    await ui.page.keyboard.press('Tab');
    await ui.page.keyboard.type('Exactly what I needed');
    await ui.page.keyboard.press('Control+Enter');
    const responses = (await events()).map((e) => e.response);
    expect(responses).toEqual([{ stars: 10, comment: 'Exactly what I needed' }]);
    expect(registry.parseResponse('rating', { max: 10 }, responses[0])).toEqual(responses[0]);
  });

  it('a blank comment is left out', async () => {
    await mount({ payload: five, review: review(five) });
    await el('label[for="star-2"]').click();
    await el('textarea[name="comment"]').fill('   ');
    await el('[data-action="submit"]').click();
    expect((await events()).map((e) => e.response)).toEqual([{ stars: 2 }]);
  });

  it('submitting no rating shows the server’s message as a sentence, focuses the stars and sends nothing', async () => {
    await mount({ payload: five, review: review(five) });
    await el('[data-action="submit"]').focus();
    await ui.page.keyboard.press('Enter');
    expect(await events()).toEqual([]);
    const alert = el('[data-errors-for="stars"] .error[role="alert"]');
    expect(await alert.textContent()).toBe('Choose a rating from 1 to 5 stars');
    expect(() => registry.parseResponse('rating', five, {})).toThrow(/choose a rating from 1 to 5 stars/);
    expect(await el('[data-option="1"]').getAttribute('aria-invalid')).toBe('true');
    expect(await focused('[data-option="1"]')).toBe(true);
    // Choosing and sending clears the message.
    await ui.page.keyboard.press('Space');
    await el('[data-action="submit"]').focus();
    await ui.page.keyboard.press('Enter');
    expect((await events()).map((e) => e.response)).toEqual([{ stars: 1 }]);
    expect(await el('.error').count()).toBe(0);
  });

  it('refuses a comment over 2000 characters as the server does', async () => {
    await mount({ payload: five, review: review(five) });
    await el('label[for="star-5"]').click();
    // `maxlength` stops typing; a script (or paste tool) can still set a longer value.
    await el('textarea[name="comment"]').evaluate((t) => {
      (t as HTMLTextAreaElement).value = 'x'.repeat(2001);
    });
    await el('[data-action="submit"]').click();
    expect(await events()).toEqual([]);
    expect(await el('[data-errors-for="comment"] .error').textContent()).toBe(
      'The comment is too long (at most 2000 characters)',
    );
    expect(await focused('textarea[name="comment"]')).toBe(true);
  });

  it('dismisses with the dismissLabel button; no dismiss button without one', async () => {
    await mount({ payload: five, review: review(five) });
    await el('[data-action="dismiss"]').focus();
    await ui.page.keyboard.press('Space');
    expect((await events()).map((e) => e.response)).toEqual([{ _dismissed: true }]);
    await mount({ payload: { max: 3 }, review: review({ max: 3 }) });
    expect(await el('[data-action="dismiss"]').count()).toBe(0);
  });

  it('readonly disables the stars and the buttons', async () => {
    await mount({ payload: five, review: review(five), readonly: true });
    expect(await el('[data-option="3"]').isDisabled()).toBe(true);
    expect(await el('textarea[name="comment"]').isDisabled()).toBe(true);
    expect(await el('[data-action="submit"]').isDisabled()).toBe(true);
    await el('label[for="star-3"]').click({ force: true });
    expect(await checked()).toEqual([]);
  });

  it('shows the countdown of a pending review that expires', async () => {
    const expiresAt = new Date(Date.now() + 2 * 3600_000 + 5 * 60_000).toISOString();
    await mount({ payload: five, review: review(five, { expiresAt }) });
    expect(await el('.countdown[role="timer"]').textContent()).toMatch(/^Expires in 2h 0[45]m$/);
  });

  it('shows a completed review: ★★★★☆ 4/5, the label, the comment, who answered and when', async () => {
    await mount({
      payload: five,
      review: review(five, {
        status: 'completed',
        response: { stars: 4, comment: 'Fast, and it explained why' },
        respondedBy: 'usr_123',
        respondedByName: 'Grace',
        completedAt: '2030-01-02T03:04:05.000Z',
      }),
    });
    expect(await el('.rated').textContent()).toBe('★★★★☆ 4/5');
    expect(await el('.rated').innerText()).toBe('★★★★☆ 4/5');
    expect(await el('.rating-label').textContent()).toBe('Good');
    expect(await el('.comment').textContent()).toBe('Fast, and it explained why');
    expect(await el('.answered-by strong').textContent()).toBe('Grace');
    expect(await el('.answered-by time').getAttribute('datetime')).toBe('2030-01-02T03:04:05.000Z');
    expect(await el('input, button, textarea').count()).toBe(0);
  });

  it('shows a dismissal and an expired review without controls', async () => {
    await mount({
      payload: five,
      review: review(five, { status: 'completed', response: { _dismissed: true }, respondedBy: 'ada' }),
    });
    expect(await el('.dismissed').textContent()).toBe('Dismissed');
    await mount({ payload: five, review: review(five, { status: 'expired' }) });
    expect(await el('.placet').textContent()).toBe('Expired');
    expect(await el('input, button, textarea').count()).toBe(0);
  });

  it('shows an invalid payload instead of a form', async () => {
    const bad = { max: 3, labels: LABELS };
    await mount({ payload: bad, review: review(bad) });
    expect(await el('.error[role="alert"]').textContent()).toBe(
      'Invalid payload: labels: expected 3 labels, one per star, got 5',
    );
    expect(await el('input').count()).toBe(0);
  });

  it('follows the theme and the --placet-* custom properties', async () => {
    await mount({ payload: five, review: review(five), theme: 'dark' });
    expect(await el().getAttribute('theme')).toBe('dark');
    await ui.page.evaluate((tag) => {
      document.querySelector<HTMLElement>(tag)?.style.setProperty('--placet-rating-star', 'rgb(1, 2, 3)');
    }, TAG);
    await el('label[for="star-2"]').click();
    expect(await el('label[for="star-1"]').evaluate((l) => getComputedStyle(l).color)).toBe('rgb(1, 2, 3)');
  });
});
