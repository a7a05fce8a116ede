/// <reference lib="dom" />
/**
 * `<placet-approval>` in real Chromium: bundles src/ui.ts with esbuild (from sources, nothing built),
 * serves it on 127.0.0.1, answers with the keyboard and checks every event against the server's parser.
 * Skips only when /usr/bin/chromium is missing and CI is not set.
 */
import { PluginRegistry } from '@placet/core/plugin';
import { describeReviewElement, pendingReview } from '@placet/test-utils/browser';
import { expect, it } from 'vitest';
import { approval } from '../src/index.js';

const TAG = 'placet-approval';
const registry = new PluginRegistry([approval()]);
const payload = {
  options: [
    { id: 'opt_ship', label: 'Ship it', style: 'primary' },
    { id: 'opt_rej', label: 'Reject', style: 'danger' },
    { id: 'opt_later', label: 'Later', style: 'secondary' },
    { id: 'opt_skip', label: 'Skip', style: 'ghost' },
  ],
  allowComment: true,
  dismissLabel: 'Not mine',
};
const pending = pendingReview('approval', payload);

const ELEMENT = { tag: TAG, entry: new URL('../src/ui.ts', import.meta.url), clock: true };

describeReviewElement('<placet-approval> in Chromium', ELEMENT, (ui) => {
  const { el, mount, events } = ui;

  it('answers with the keyboard: a comment, then an option; the server accepts it', async () => {
    await mount({ payload, review: pending });
    await ui.page.keyboard.press('Tab');
    await expect.poll(() => el('textarea[name="comment"]').evaluate((n) => n.matches(':focus'))).toBe(true);
    await ui.page.keyboard.type('Looks good');
    await ui.page.keyboard.press('Tab');
    expect(await el('[data-option="opt_ship"]').evaluate((n) => n.matches(':focus-visible'))).toBe(true);
    // A visible focus ring.
    const outline = await el('[data-option="opt_ship"]').evaluate((n) => getComputedStyle(n).outlineStyle);
    expect(outline).not.toBe('none');
    await ui.page.keyboard.press('Tab'); // → Reject
    await ui.page.keyboard.press('Enter');
    const [event, ...more] = await events();
    expect(more).toEqual([]);
    expect(event).toEqual({
      response: { selectedOption: 'opt_rej', comment: 'Looks good' },
      bubbles: true,
      composed: true,
      target: TAG,
    });
    expect(registry.parseResponse('approval', payload, event?.response)).toEqual(event?.response);
  });

  it('sends no comment key when the comment is empty, and no comment box without allowComment', async () => {
    await mount({ payload, review: pending });
    await el('[data-option="opt_later"]').focus();
    await ui.page.keyboard.press('Space');
    expect((await events()).map((e) => e.response)).toEqual([{ selectedOption: 'opt_later' }]);

    const noComment = { options: payload.options };
    await mount({ payload: noComment, review: { ...pending, payload: noComment } });
    expect(await el('[data-option]').count()).toBe(4);
    expect(await el('textarea').count()).toBe(0);
    expect(await el('[data-action="dismiss"]').count()).toBe(0);
  });

  it('renders the four button styles visibly differently', async () => {
    await mount({ payload, review: pending });
    const looks = await el('[data-option]').evaluateAll((buttons) =>
      buttons.map((b) => {
        const s = getComputedStyle(b);
        return [s.backgroundColor, s.borderColor, s.color, s.textDecorationLine].join('|');
      }),
    );
    expect(new Set(looks).size).toBe(4);
  });

  it('dismisses with the dismissLabel button', async () => {
    await mount({ payload, review: pending });
    expect(await el('[data-action="dismiss"]').textContent()).toBe('Not mine');
    await el('[data-action="dismiss"]').focus();
    await ui.page.keyboard.press('Enter');
    const responses = (await events()).map((e) => e.response);
    expect(responses).toEqual([{ _dismissed: true }]);
    expect(registry.parseResponse('approval', payload, responses[0])).toEqual({ _dismissed: true });
  });

  it('readonly disables every control and sends nothing', async () => {
    await mount({ payload, review: pending, readonly: true });
    expect(await el('fieldset').evaluate((f) => (f as HTMLFieldSetElement).disabled)).toBe(true);
    expect(await el('textarea').isDisabled()).toBe(true);
    expect(await el('[data-option="opt_ship"]').isDisabled()).toBe(true);
    await el('[data-option="opt_ship"]').evaluate((b) => (b as HTMLButtonElement).click());
    expect(await events()).toEqual([]);
    // Lifting readonly keeps what was typed.
    await ui.page.evaluate((tag) => {
      const host = document.querySelector(tag) as HTMLElement & { readonly: boolean };
      (host.shadowRoot?.querySelector('textarea') as HTMLTextAreaElement).value = 'kept';
      host.readonly = false;
    }, TAG);
    await expect.poll(() => el('[data-option="opt_ship"]').isEnabled()).toBe(true);
    expect(await el('textarea').inputValue()).toBe('kept');
  });

  it('shows a completed review by label, with the comment, who answered and when', async () => {
    const completedAt = '2030-05-06T07:08:09.000Z';
    await mount({
      payload,
      review: {
        ...pending,
        status: 'completed',
        response: { selectedOption: 'opt_rej', comment: 'Too risky' },
        respondedBy: 'ada',
        completedAt,
      },
    });
    const text = await el('.placet').textContent();
    expect(text).toContain('Chose: Reject');
    expect(text).not.toContain('opt_rej');
    expect(text).toContain('Too risky');
    expect(await el('.answered-by strong').textContent()).toBe('ada');
    expect(await el(`.answered-by time[datetime="${completedAt}"]`).count()).toBe(1);
    expect(await el('button, textarea').count()).toBe(0);
  });

  it('shows a dismissed review as Dismissed', async () => {
    await mount({
      payload,
      review: { ...pending, status: 'completed', response: { _dismissed: true }, respondedBy: 'bob' },
    });
    expect(await el('.dismissed').textContent()).toBe('Dismissed');
    expect(await el('.answered-by').textContent()).toContain('bob');
  });

  it('shows an expired review as Expired, without controls', async () => {
    await mount({
      payload,
      review: { ...pending, status: 'expired', expiresAt: '2030-01-01T00:00:00.000Z' },
    });
    expect(await el('[data-status="expired"]').textContent()).toBe('Expired');
    expect(await el('button, textarea, input').count()).toBe(0);
  });

  it('counts down to expiresAt each second, stops offering answers at zero, and stops when removed', async () => {
    const now = await ui.page.evaluate(() => Date.now());
    await ui.page.clock.pauseAt(now + 1000);
    const expiresAt = new Date(now + 1000 + 65_000).toISOString();
    await mount({ payload, review: { ...pending, expiresAt } });
    expect(await el('.countdown').textContent()).toBe('Expires in 1m 05s');
    await ui.page.clock.runFor(2000);
    expect(await el('.countdown').textContent()).toBe('Expires in 1m 03s');
    await ui.page.clock.runFor(63_000);
    expect(await el('.countdown').textContent()).toBe('Expired');
    expect(await el('[data-option="opt_ship"]').isDisabled()).toBe(true);

    // A removed element keeps no timer: its text no longer changes.
    await mount({ payload, review: { ...pending, expiresAt: new Date(now + 1000 + 200_000).toISOString() } });
    const detached = await ui.page.evaluateHandle((tag) => {
      const host = document.querySelector(tag) as HTMLElement;
      host.remove();
      return host.shadowRoot?.querySelector('.countdown') as HTMLElement;
    }, TAG);
    const before = await detached.evaluate((n) => n.textContent);
    await ui.page.clock.runFor(5000);
    expect(await detached.evaluate((n) => n.textContent)).toBe(before);
    await ui.page.clock.resume();
  });

  it('follows the theme and the --placet-* custom properties', async () => {
    await mount({ payload, review: pending, theme: 'dark' });
    const host = ui.page.locator(TAG);
    expect(await host.getAttribute('theme')).toBe('dark');
    const color = () => el('[data-option="opt_later"]').evaluate((b) => getComputedStyle(b).color);
    const dark = await color();
    await host.evaluate((h: HTMLElement & { theme: string }) => {
      h.theme = 'light';
    });
    expect(await color()).not.toBe(dark);
    await host.evaluate((h) => h.style.setProperty('--placet-accent', 'rgb(1, 2, 3)'));
    expect(await el('[data-option="opt_ship"]').evaluate((b) => getComputedStyle(b).backgroundColor)).toBe(
      'rgb(1, 2, 3)',
    );
  });
});
