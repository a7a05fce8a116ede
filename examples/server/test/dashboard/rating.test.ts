import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  browserUnavailable,
  bubble,
  createAgent,
  type DashboardWorld,
  dashboardWorld,
  focused,
  pagePerTest,
  SCREENSHOTS,
  shadowText,
  tabTo,
} from './harness.js';

/**
 * A third-party review type end to end, against the built example server: the `rating` plugin is listed
 * by `GET /api/v1/plugins` with the URL of its UI module, the dashboard (built without knowing it)
 * imports that module and shows the stars, the human answers with the keyboard alone, and the agent's
 * pending long-poll returns the answer.
 */
const skip = browserUnavailable();

interface Sent {
  id: string;
}
interface Manifest {
  name: string;
  version: string;
  reviewTypes: { type: string; ui?: { element: string; module: string } }[];
}
interface Answer {
  status: string;
  message: { review: { status: string; response: Record<string, unknown> } };
}

const LABELS = ['Terrible', 'Poor', 'Okay', 'Good', 'Excellent'];

describe.skipIf(skip)('dashboard: a plugin review type (rating)', { timeout: 60_000 }, () => {
  let w: DashboardWorld;

  beforeAll(async () => {
    w = await dashboardWorld();
  }, 60_000);
  afterAll(async () => w?.close());
  const pages = pagePerTest(() => w);

  it('lists the rating plugin with the URL of its UI module, served publicly as JavaScript that shares @placet/core/browser', async () => {
    const res = await w.agent<Manifest[]>('GET', '/plugins');
    expect(res.status).toBe(200);
    const plugin = res.body.find((p) => p.name === 'rating');
    expect(plugin).toMatchObject({ name: 'rating', version: '0.1.0' });
    expect(plugin?.reviewTypes).toEqual([
      expect.objectContaining({
        type: 'rating',
        ui: { element: 'placet-rating', module: '/api/v1/plugins/rating/ui/rating' },
      }),
    ]);
    // Public (code, not data): no API key, no session.
    const module = await fetch(`${w.url}/api/v1/plugins/rating/ui/rating`);
    expect(module.status).toBe(200);
    expect(module.headers.get('content-type')).toMatch(/^text\/javascript/);
    const source = await module.text();
    expect(source).toContain('placet-rating');
    // Its one bare import is the module every widget shares, which the dashboard's import map provides.
    const bare = [...source.matchAll(/from\s*["']([^"'./][^"']*)["']/g)].map((m) => m[1]);
    expect(new Set(bare)).toEqual(new Set(['@placet/core/browser']));
    expect(source.length).toBeLessThan(20_000); // zod is not in it
  });

  it('refuses a payload whose labels do not match max, naming the path', async () => {
    const channelId = await createAgent(w, 'Sloppy bot');
    const res = await w.agent('POST', '/messages', {
      channelId,
      text: 'Rate me',
      review: { type: 'rating', payload: { max: 3, labels: LABELS } },
    });
    expect(res).toMatchObject({
      status: 400,
      body: {
        code: 'INVALID_REVIEW_PAYLOAD',
        issues: [{ path: 'review.payload.labels', message: 'expected 3 labels, one per star, got 5' }],
      },
    });
  });

  it('answers 4 stars with the keyboard; the waiting agent gets { stars: 4 }', async () => {
    const { page } = pages.ui;
    const channelId = await createAgent(w, 'Support bot');
    const sent = await w.agent<Sent>('POST', '/messages', {
      channelId,
      text: 'How helpful was my last answer?',
      review: { type: 'rating', payload: { max: 5, labels: LABELS } },
    });
    expect(sent.status).toBe(201);

    // Into the chat by keyboard: focus its link in the agent list, Enter.
    const link = page.locator(`placet-agent-list a[data-agent="${channelId}"]`);
    await link.waitFor();
    await link.focus();
    await page.keyboard.press('Enter');
    const widget = bubble(page, sent.body.id).locator('placet-rating');
    await widget.locator('[data-option="5"]').waitFor();
    expect(await widget.locator('input[type="radio"][name="stars"]').count()).toBe(5);

    // The server validates per payload: 6 stars of 5 is refused (the session's own request, as the
    // dashboard would send it), and the review stays pending.
    const refused = await page.evaluate(async (id) => {
      const res = await fetch(`/api/v1/reviews/${id}/respond`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'rating-test' },
        body: JSON.stringify({ response: { stars: 6 } }),
      });
      return { status: res.status, body: await res.json() };
    }, sent.body.id);
    expect(refused).toMatchObject({
      status: 400,
      body: {
        code: 'INVALID_REVIEW_RESPONSE',
        issues: [{ path: 'response.stars', message: 'at most 5 stars' }],
      },
    });

    const waiting = w.agent<Answer>(
      'GET',
      `/reviews/${sent.body.id}/wait?channel=${channelId}&timeout=30000`,
    );

    await link.focus();
    await tabTo(page, '[name="stars"]'); // Tab enters the radio group at its first star
    expect(await focused(page)).toBe('input[name=stars]');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    expect(await widget.getByRole('radio', { name: 'Good', exact: true }).isChecked()).toBe(true);
    expect(await widget.locator('[data-current]').textContent()).toBe('4/5 · Good');
    await tabTo(page, '[data-action="submit"]');
    await page.keyboard.press('Enter');

    const result = await waiting;
    expect(result.status).toBe(200);
    expect(result.body.status).toBe('completed');
    expect(result.body.message.review.status).toBe('completed');
    expect(result.body.message.review.response).toEqual({ stars: 4 });

    // The answer replaces the form: stars, score, the star's label, who answered.
    await expect.poll(() => shadowText(widget)).toMatch(/★★★★☆ 4\/5/);
    const text = await shadowText(widget);
    expect(text).toContain('Good');
    expect(text).toMatch(/Answered by (owner@example\.test|Owner)/);
    expect(await widget.locator('input, button, textarea').count()).toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'chat-rating.png') });
  });

  it('had no uncaught errors in any of its pages', () => {
    expect(pages.log.errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
  });
});
