/// <reference lib="dom" />
/**
 * `<placet-text-input>` in real Chromium: bundles src/ui.ts with esbuild (from sources, nothing built),
 * serves it on 127.0.0.1, answers with the keyboard and checks every event against the server's parser.
 * Skips only when /usr/bin/chromium is missing and CI is not set.
 */
import { PluginRegistry } from '@placet/core/plugin';
import { describeReviewElement, pendingReview } from '@placet/test-utils/browser';
import { expect, it } from 'vitest';
import { textInput, textInputResponseFor } from '../src/index.js';

const TAG = 'placet-text-input';
const registry = new PluginRegistry([textInput()]);
const payload = {
  placeholder: 'Tell us why',
  prefill: 'No',
  minLength: 5,
  maxLength: 40,
  markdown: true,
  submitLabel: 'Send it',
  dismissLabel: 'Skip',
};
const plain = { minLength: 2 };
const review = (p: object, extra: object = {}) => pendingReview('text-input', p, extra);
/** The message the server gives for `text`. */
const serverMessage = (p: typeof payload, text: string) =>
  textInputResponseFor(p).safeParse({ text }).error?.issues[0]?.message;
/** What the element shows for a text shorter than `payload.minLength`, where zod says "Too small: …". */
const TOO_SHORT = 'Must be at least 5 characters';
/** The plugin's own message for padding that does not reach `payload.minLength`, as a sentence. */
const PADDED = 'Too short: expected at least 5 characters besides whitespace';

const ELEMENT = { tag: TAG, entry: new URL('../src/ui.ts', import.meta.url) };

describeReviewElement('<placet-text-input> in Chromium', ELEMENT, (ui) => {
  const { el, mount, events, focused } = ui;

  it('honours placeholder, prefill, minLength, maxLength and submitLabel', async () => {
    await mount({ payload, review: review(payload) });
    const textarea = el('textarea[name="text"]');
    expect(await textarea.getAttribute('placeholder')).toBe('Tell us why');
    expect(await textarea.getAttribute('maxlength')).toBe('40');
    expect(await textarea.getAttribute('minlength')).toBe('5');
    expect(await textarea.inputValue()).toBe('No');
    expect(await el('label[for="text"]').count()).toBe(1);
    expect(await el('[data-action="submit"]').textContent()).toBe('Send it');
    expect(await el('#text-hint').textContent()).toContain('2 / 40');
    // maxlength stops typing at 40 characters.
    await textarea.focus();
    await ui.page.keyboard.type('x'.repeat(41));
    expect((await textarea.inputValue()).length).toBe(40);
    expect(await el('#text-hint').textContent()).toContain('40 / 40');
  });

  it('too short: says so in a sentence next to the textarea and sends nothing; then sends', async () => {
    await mount({ payload, review: review(payload) });
    await el('textarea').focus();
    await ui.page.keyboard.press('Control+Enter');
    expect(await events()).toEqual([]);
    const alert = el('[data-errors-for="text"] .error[role="alert"]');
    expect(serverMessage(payload, 'No')).toBe('Too small: expected string to have >=5 characters');
    expect(await alert.textContent()).toBe(TOO_SHORT);
    expect(await el('textarea').getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await el('textarea').getAttribute('aria-describedby'))?.split(' ');
    expect(describedBy).toEqual(['text-hint', await el('[data-errors-for="text"]').getAttribute('id')]);

    // Padding does not satisfy the minimum, as on the server.
    await el('textarea').fill('');
    await ui.page.keyboard.type('  ab    ');
    await ui.page.keyboard.press('Control+Enter');
    expect(await events()).toEqual([]);
    expect(serverMessage(payload, '  ab    ')).toBe(
      'too short: expected at least 5 characters besides whitespace',
    );
    expect(await alert.textContent()).toBe(PADDED);

    await el('textarea').fill('');
    await ui.page.keyboard.type('No, because it is Friday.');
    await ui.page.keyboard.press('Enter'); // a line break, not a submit
    await ui.page.keyboard.type('Monday!');
    expect(await events()).toEqual([]);
    await ui.page.keyboard.press('Tab'); // the hint is text: Tab goes to the submit button
    expect(await focused('[data-action="submit"]')).toBe(true);
    await ui.page.keyboard.press('Enter');
    const [event, ...more] = await events();
    expect(more).toEqual([]);
    expect(event).toEqual({
      response: { text: 'No, because it is Friday.\nMonday!' },
      bubbles: true,
      composed: true,
      target: TAG,
    });
    expect(registry.parseResponse('text-input', payload, event?.response)).toEqual(event?.response);
    expect(await el('.error').count()).toBe(0);
  });

  it('a refused text’s message follows the corrections, and is gone once the text is valid', async () => {
    await mount({ payload, review: review(payload) });
    const textarea = el('textarea');
    const alerts = el('[data-errors-for="text"] .error[role="alert"]');
    await textarea.focus();
    await ui.page.keyboard.press('End');
    await ui.page.keyboard.press('Control+Enter');
    expect(await alerts.allTextContents()).toEqual([TOO_SHORT]);

    await ui.page.keyboard.type(' w'); // "No w": still too short, still said once
    expect(await alerts.allTextContents()).toEqual([TOO_SHORT]);
    expect(await textarea.getAttribute('aria-invalid')).toBe('true');
    await ui.page.keyboard.type('   '); // five characters, but padding: the message changes with the problem
    expect(await alerts.allTextContents()).toEqual([PADDED]);
    expect(await focused('textarea')).toBe(true); // typing goes on where it was

    await ui.page.keyboard.type('ay'); // "No w   ay": valid
    expect(await alerts.count()).toBe(0);
    expect(await textarea.getAttribute('aria-invalid')).toBeNull();
    expect(await events()).toEqual([]); // correcting is not sending
    await ui.page.keyboard.press('Backspace');
    await ui.page.keyboard.press('Backspace'); // invalid again, but nobody asked to send: no message yet
    expect(await alerts.count()).toBe(0);
  });

  it('the Preview toggle reads "Edit" while previewing, with aria-pressed in step', async () => {
    await mount({ payload, review: review(payload) });
    const toggle = el('[data-action="preview"]');
    expect([await toggle.textContent(), await toggle.getAttribute('aria-pressed')]).toEqual([
      'Preview',
      'false',
    ]);
    await toggle.click();
    expect([await toggle.textContent(), await toggle.getAttribute('aria-pressed')]).toEqual(['Edit', 'true']);
    expect(await el('.preview').isVisible()).toBe(true);
    await toggle.focus();
    await ui.page.keyboard.press('Enter');
    expect([await toggle.textContent(), await toggle.getAttribute('aria-pressed')]).toEqual([
      'Preview',
      'false',
    ]);
    expect(await el('textarea').isVisible()).toBe(true);
  });

  it('previews markdown safely: no HTML from the text, only http(s) links', async () => {
    await mount({ payload: { ...payload, maxLength: 500 }, review: review({ ...payload, maxLength: 500 }) });
    await el('textarea').fill('');
    await el('textarea').focus();
    const source = [
      '# Title',
      '**bold** and *em* and `code` <img src=x onerror="window.pwned=1">',
      '- one',
      '- two',
      '[bad](javascript:window.pwned=1) [good](https://example.com)',
    ].join('\n');
    await ui.page.keyboard.insertText(source);
    await ui.page.keyboard.press('Shift+Tab');
    expect(await focused('[data-action="preview"]')).toBe(true);
    await ui.page.keyboard.press('Enter');
    expect(await el('[data-action="preview"]').getAttribute('aria-pressed')).toBe('true');
    expect(await el('textarea').isHidden()).toBe(true);
    const preview = el('.preview');
    expect(await preview.locator('h1').textContent()).toBe('Title');
    expect(await preview.locator('strong').textContent()).toBe('bold');
    expect(await preview.locator('em').textContent()).toBe('em');
    expect(await preview.locator('code').textContent()).toBe('code');
    expect(await preview.locator('li').allTextContents()).toEqual(['one', 'two']);
    expect(await preview.locator('img').count()).toBe(0);
    expect(await preview.textContent()).toContain('<img src=x onerror="window.pwned=1">');
    expect(await preview.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))).toEqual([
      'https://example.com',
    ]);
    expect(await ui.page.evaluate(() => (window as any).pwned)).toBeUndefined();
    await ui.page.keyboard.press('Enter'); // back to the editor
    expect(await el('textarea').isVisible()).toBe(true);
    expect(await el('textarea').inputValue()).toBe(source);
  });

  it('an error while previewing returns to the editor and focuses it', async () => {
    await mount({ payload, review: review(payload) });
    await el('[data-action="preview"]').focus();
    await ui.page.keyboard.press('Enter');
    await el('[data-action="submit"]').focus();
    await ui.page.keyboard.press('Enter');
    expect(await events()).toEqual([]);
    expect(await el('textarea').isVisible()).toBe(true);
    expect(await focused('textarea')).toBe(true);
    expect(await el('[data-action="preview"]').textContent()).toBe('Preview');
    expect(await el('[data-action="preview"]').getAttribute('aria-pressed')).toBe('false');
  });

  it('without markdown there is no preview; dismiss only with a dismissLabel', async () => {
    await mount({ payload: plain, review: review(plain) });
    expect(await el('[data-action="preview"]').count()).toBe(0);
    expect(await el('[data-action="dismiss"]').count()).toBe(0);
    expect(await el('[data-action="submit"]').textContent()).toBe('Send response');
    await mount({ payload, review: review(payload) });
    await el('[data-action="dismiss"]').focus();
    await ui.page.keyboard.press('Enter');
    expect((await events()).map((e) => e.response)).toEqual([{ _dismissed: true }]);
  });

  it('shows a completed review: markdown rendered safely, who answered and when', async () => {
    await mount({
      payload,
      review: review(payload, {
        status: 'completed',
        response: { text: '**Yes** <b>raw</b>' },
        respondedBy: 'linus',
        completedAt: '2030-01-02T03:04:05.000Z',
      }),
    });
    expect(await el('.answer strong').textContent()).toBe('Yes');
    expect(await el('.answer b').count()).toBe(0);
    expect(await el('.answer').textContent()).toContain('<b>raw</b>');
    expect(await el('.answered-by').textContent()).toContain('linus');
    expect(await el('textarea, button').count()).toBe(0);

    await mount({
      payload: plain,
      review: review(plain, { status: 'completed', response: { text: '**as is**' } }),
    });
    expect(await el('.answer .text').textContent()).toBe('**as is**');
  });
});
