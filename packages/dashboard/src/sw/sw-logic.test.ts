import { describe, expect, it } from 'vitest';
import { clickTarget, isDashboardPage, notificationFromPush, SHELL, shellRequest } from './sw-logic.js';

const ROOT = 'https://placet.example/';
const MOUNTED = 'https://host.example/inbox/';
const u = (href: string) => new URL(href);

describe('shellRequest: what the service worker may answer from its cache', () => {
  it('answers the page and the shell assets, under the root or a host path', () => {
    expect(shellRequest(u(ROOT), ROOT)).toBe('page');
    expect(shellRequest(u(`${ROOT}index.html`), ROOT)).toBe('page');
    expect(shellRequest(u(`${ROOT}?x=1`), ROOT)).toBe('page');
    expect(shellRequest(u(`${ROOT}placet-assets/app.js`), ROOT)).toBe('asset');
    expect(shellRequest(u(`${MOUNTED}placet-assets/styles.css`), MOUNTED)).toBe('asset');
    expect(shellRequest(u(MOUNTED), MOUNTED)).toBe('page');
    for (const path of SHELL) expect(shellRequest(new URL(path, ROOT), ROOT)).not.toBeNull();
  });

  it('never touches the API, Socket.IO, the WebSocket, other origins or other assets', () => {
    for (const href of [
      `${ROOT}api/v1/reviews`,
      `${ROOT}api/v1/plugins/approval/ui/approval`,
      `${ROOT}api/auth/me`,
      `${ROOT}socket.io/?EIO=4&transport=polling`,
      `${ROOT}ws`,
      `${ROOT}sw.js`,
      `${ROOT}placet-assets/app.js.map`,
      `${ROOT}placet-assets/unknown.js`,
      `${ROOT}health`,
      'https://elsewhere.example/placet-assets/app.js',
      `${ROOT}inbox/`, // another path of the origin
    ]) {
      expect(shellRequest(u(href), ROOT), href).toBeNull();
    }
    expect(shellRequest(u('https://host.example/placet-assets/app.js'), MOUNTED)).toBeNull();
    // Even a dashboard mounted under /api/ keeps the API network-only.
    expect(shellRequest(u('https://h.example/api/dash/'), 'https://h.example/api/dash/')).toBeNull();
  });
});

describe('notificationFromPush: a push payload on screen', () => {
  it('shows title, body, tag, icon and actions, with the review URL in its data', () => {
    const spec = notificationFromPush(
      JSON.stringify({
        title: 'Deploy bot asks for a review',
        body: 'Ship 1.4?',
        tag: 'placet-review-abc123',
        url: `${ROOT}#/inbox/abc123`,
        reviewId: 'abc123',
        kind: 'review.created',
        actions: [
          { action: 'open', title: 'Open' },
          { action: 'x', title: '' },
          { action: 'later', title: 'Later' },
          { action: 'third', title: 'Third' },
        ],
      }),
      ROOT,
    );
    expect(spec).toEqual({
      title: 'Deploy bot asks for a review',
      options: {
        body: 'Ship 1.4?',
        tag: 'placet-review-abc123',
        icon: `${ROOT}placet-assets/icon-192.png`,
        badge: `${ROOT}placet-assets/icon-192.png`,
        data: { url: `${ROOT}#/inbox/abc123`, reviewId: 'abc123', kind: 'review.created' },
        actions: [
          { action: 'open', title: 'Open' },
          { action: 'later', title: 'Later' },
        ],
      },
    });
  });

  it('takes plain text as the body, and survives an empty or odd payload', () => {
    expect(notificationFromPush('hello', ROOT)).toMatchObject({
      title: 'Placet',
      options: { body: 'hello' },
    });
    expect(notificationFromPush(null, ROOT)).toMatchObject({
      title: 'Placet',
      options: { body: '', data: { url: ROOT, reviewId: null } },
    });
    expect(notificationFromPush('42', ROOT).options.body).toBe('42');
    expect(notificationFromPush(JSON.stringify({ actions: 'x' }), ROOT).options).not.toHaveProperty(
      'actions',
    );
  });
});

describe('clickTarget: where a click on a notification leads', () => {
  it('keeps a URL on this dashboard', () => {
    expect(clickTarget({ url: `${ROOT}#/inbox/abc123` }, ROOT)).toBe(`${ROOT}#/inbox/abc123`);
    expect(clickTarget({ url: '#/inbox/abc123' }, MOUNTED)).toBe(`${MOUNTED}#/inbox/abc123`);
  });

  it('never leaves the dashboard: another origin keeps only its route', () => {
    expect(clickTarget({ url: 'https://public.example/#/inbox/abc123' }, ROOT)).toBe(`${ROOT}#/inbox/abc123`);
    expect(clickTarget({ url: 'https://evil.example/phish', reviewId: 'abc123' }, ROOT)).toBe(
      `${ROOT}#/inbox/abc123`,
    );
    expect(clickTarget({ url: 'javascript:alert(1)' }, ROOT)).toBe(ROOT);
    expect(clickTarget({ url: 'https://host.example/other/', reviewId: 'abc' }, MOUNTED)).toBe(
      `${MOUNTED}#/inbox/abc`,
    );
  });

  it('falls back to the review, then to the dashboard', () => {
    expect(clickTarget({ reviewId: 'abc123' }, ROOT)).toBe(`${ROOT}#/inbox/abc123`);
    expect(clickTarget({ reviewId: '../x' }, ROOT)).toBe(ROOT);
    expect(clickTarget(null, ROOT)).toBe(ROOT);
  });
});

describe('isDashboardPage', () => {
  it('is the root page (or index.html), not another page in the scope', () => {
    expect(isDashboardPage(`${ROOT}#/chats`, ROOT)).toBe(true);
    expect(isDashboardPage(`${ROOT}index.html`, ROOT)).toBe(true);
    expect(isDashboardPage(`${ROOT}api/docs`, ROOT)).toBe(false);
    expect(isDashboardPage('https://other.example/', ROOT)).toBe(false);
  });
});
