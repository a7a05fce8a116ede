import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AxeViolation } from '../../../../packages/dashboard/test/browser-checks.js';
import {
  approvalReview,
  browserUnavailable,
  bubble,
  CONTEXT_OPTIONS,
  createAgent,
  type DashboardWorld,
  dashboardWorld,
  humanSession,
  openAccountMenu,
  openChat,
  PHONE_OPTIONS,
  pagePerTest,
  seriousAxe,
} from './harness.js';

/**
 * axe-core (WCAG 2.1 A and AA) on every view of the dashboard, in the light and the dark theme, at a desk
 * and on a phone: no serious or critical violation anywhere. Each run prints what it checked.
 */
const skip = browserUnavailable();

const SETTINGS = ['api-keys', 'channels', 'notifications', 'plugins', 'users', 'groups', 'appearance'];

/** The views, each reached from a signed-in page: name → how to get there. */
function views(w: DashboardWorld, ids: { agent: string; review: string }) {
  const settings = Object.fromEntries(
    SETTINGS.map((section) => [
      `settings/${section}`,
      async (page: Page) => {
        await page.goto(`${w.url}/#/settings/${section}`);
        await page.locator(`placet-settings .content[data-section="${section}"]`).waitFor();
        await page.waitForLoadState('networkidle');
      },
    ]),
  );
  return {
    agents: async (page: Page) => {
      await page.goto(`${w.url}/#/chats`);
      await page.locator('placet-agent-list a[data-agent]').first().waitFor();
    },
    'account menu': async (page: Page) => openAccountMenu(page),
    chat: async (page: Page) => {
      await openChat(page, ids.agent);
      await bubble(page, ids.review).locator('[data-review-head]').waitFor();
    },
    inbox: async (page: Page) => {
      await page.goto(`${w.url}/#/inbox`);
      await page.locator('placet-inbox button.row').first().waitFor();
    },
    'inbox review': async (page: Page) => {
      await page.goto(`${w.url}/#/inbox/${ids.review}`);
      await page.locator(`placet-inbox .detail placet-message[data-id="${ids.review}"]`).waitFor();
    },
    ...settings,
  } satisfies Record<string, (page: Page) => Promise<void>>;
}

describe.skipIf(skip)('dashboard: accessibility of every view', { timeout: 240_000 }, () => {
  let w: DashboardWorld;
  let ids: { agent: string; review: string };

  beforeAll(async () => {
    w = await dashboardWorld();
    const agent = await createAgent(w, 'Deploy bot');
    await w.agent('POST', '/messages', {
      channelId: agent,
      text: '## Plan\n\n- [x] build\n- [ ] **deploy**',
    });
    const res = await w.agent<{ id: string }>('POST', '/messages', {
      channelId: agent,
      text: 'Ship **1.4** to production?',
      review: approvalReview('1.4'),
    });
    ids = { agent, review: res.body.id };
    // An answered review too: its card (status chip, outcome) and its inbox row are checked as well.
    const answered = await w.agent<{ id: string }>('POST', '/messages', {
      channelId: agent,
      text: 'Roll back 1.3?',
      review: approvalReview('1.3'),
    });
    const human = await humanSession(w);
    const done = await human.request('POST', `/reviews/${answered.body.id}/respond`, {
      response: { selectedOption: 'approve' },
    });
    expect(done.status).toBe(200);
  }, 90_000);
  afterAll(async () => w?.close());
  const pages = pagePerTest(() => w);

  for (const [device, context] of [
    ['desk', CONTEXT_OPTIONS],
    ['phone', PHONE_OPTIONS],
  ] as const) {
    for (const scheme of ['light', 'dark'] as const) {
      it(`${device}, ${scheme}: 0 serious or critical violations on every view`, async () => {
        const found: Record<string, AxeViolation[]> = {};
        const check = async (name: string, page: Page) => {
          const serious = await seriousAxe(page);
          if (serious.length) found[name] = serious;
        };
        // Signed out: the sign-in page.
        const out = (await pages.open({ signIn: false, context })).page;
        await out.emulateMedia({ colorScheme: scheme });
        await out.goto(w.url);
        await out.getByLabel('Email').waitFor();
        await check('sign-in', out);

        // Signed in (once: sign-ins are rate limited), every view in turn in the same page.
        const checked: string[] = ['sign-in'];
        const { page } = await pages.open({ context });
        await page.emulateMedia({ colorScheme: scheme });
        for (const [name, reach] of Object.entries(views(w, ids))) {
          await reach(page);
          expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(scheme);
          await check(name, page);
          checked.push(name);
          await page.keyboard.press('Escape');
        }
        console.log(`[axe] ${device}, ${scheme}: ${checked.length} views checked: ${checked.join(', ')}`);
        expect(found).toEqual({});
      });
    }
  }
});
