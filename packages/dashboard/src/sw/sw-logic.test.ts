import { describe, expect, it } from 'vitest';
import {
  clickTarget,
  installCacheMode,
  isDashboardPage,
  notificationFromPush,
  SHELL,
  shellOf,
  shellRequest,
} from './sw-logic.js';

const ROOT = 'https://placet.example/';
const MOUNTED = 'https://host.example/inbox/';
const u = (href: string) => new URL(href);

/** The shell of a build whose page links these (what the handler writes for `__PLACET_SHELL__`). */
const BUILT = shellOf('manifest.webmanifest favicon.svg styles-0123456789ab.css app-ba9876543210.js');

describe('shellRequest: what the service worker may answer from its cache', () => {
  it('answers the page and the shell assets, under the root or a host path', () => {
    expect(shellRequest(u(ROOT), ROOT, BUILT)).toBe('page');
    expect(shellRequest(u(`${ROOT}index.html`), ROOT, BUILT)).toBe('page');
    expect(shellRequest(u(`${ROOT}?x=1`), ROOT, BUILT)).toBe('page');
    expect(shellRequest(u(`${ROOT}placet-assets/app-ba9876543210.js`), ROOT, BUILT)).toBe('asset');
    expect(shellRequest(u(`${MOUNTED}placet-assets/styles-0123456789ab.css`), MOUNTED, BUILT)).toBe('asset');
    expect(shellRequest(u(MOUNTED), MOUNTED, BUILT)).toBe('page');
    for (const path of [...SHELL, ...BUILT])
      expect(shellRequest(new URL(path, ROOT), ROOT, BUILT)).not.toBeNull();
  });

  it('keeps the page, its icons and what the page links; once each, and nothing but plain names', () => {
    expect(BUILT).toEqual([
      '',
      'placet-assets/favicon.svg',
      'placet-assets/manifest.webmanifest',
      'placet-assets/icon-192.png',
      'placet-assets/styles-0123456789ab.css',
      'placet-assets/app-ba9876543210.js',
    ]);
    // Unfilled (a worker served without the handler): the fixed part only.
    expect(shellOf('__PLACET_SHELL__')).toEqual([...SHELL]);
    expect(shellOf('../x.js a/b.js')).toEqual([...SHELL]);
  });

  it('takes a hashed file from the HTTP cache at install, and revalidates any other', () => {
    expect(installCacheMode('placet-assets/app-ba9876543210.js')).toBe('default');
    expect(installCacheMode('placet-assets/styles-0123456789ab.css')).toBe('default');
    expect(installCacheMode('')).toBe('no-cache');
    expect(installCacheMode('placet-assets/icon-192.png')).toBe('no-cache');
    expect(installCacheMode('placet-assets/manifest.webmanifest')).toBe('no-cache');
  });

  it('never touches the API, Socket.IO, the WebSocket, other origins or other assets', () => {
    for (const href of [
      `${ROOT}api/v1/reviews`,
      `${ROOT}api/v1/plugins/approval/ui/approval`,
      `${ROOT}api/auth/me`,
      `${ROOT}socket.io/?EIO=4&transport=polling`,
      `${ROOT}ws`,
      `${ROOT}sw.js`,
      `${ROOT}placet-assets/app-ba9876543210.js.map`,
      `${ROOT}placet-assets/app-000000000000.js`, // an older build's script: not this worker's
      `${ROOT}placet-assets/placet-core-browser-0123456789ab.js`, // the widgets': network only
      `${ROOT}placet-assets/unknown.js`,
      `${ROOT}health`,
      'https://elsewhere.example/placet-assets/app.js',
      `${ROOT}inbox/`, // another path of the origin
    ]) {
      expect(shellRequest(u(href), ROOT, BUILT), href).toBeNull();
    }
    expect(
      shellRequest(u('https://host.example/placet-assets/app-ba9876543210.js'), MOUNTED, BUILT),
    ).toBeNull();
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
