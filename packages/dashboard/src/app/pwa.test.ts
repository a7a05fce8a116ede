import { describe, expect, it } from 'vitest';
import { openAction, workerUrls } from './pwa.js';

describe('workerUrls: the service worker sits next to the page', () => {
  it('at the root, or under the path the host mounted the dashboard at', () => {
    expect(workerUrls({ href: 'https://p.example/#/inbox/abc' })).toEqual({
      script: 'https://p.example/sw.js',
      scope: 'https://p.example/',
    });
    expect(workerUrls({ href: 'https://h.example/hitl/index.html?x=1' })).toEqual({
      script: 'https://h.example/hitl/sw.js',
      scope: 'https://h.example/hitl/',
    });
  });
});

describe('openAction: what a clicked notification does to an open page', () => {
  const here = { origin: 'https://p.example', pathname: '/' };

  it('changes only the hash when the URL is this page', () => {
    expect(openAction('https://p.example/#/inbox/abc123', here)).toEqual({ hash: '#/inbox/abc123' });
    expect(openAction('https://p.example/index.html#/inbox/x', here)).toEqual({ hash: '#/inbox/x' });
    expect(openAction('https://p.example/', here)).toEqual({ hash: '#/inbox' });
  });

  it('navigates to another page of this origin, and ignores other origins', () => {
    expect(openAction('https://p.example/other/#/inbox/a', here)).toEqual({
      assign: 'https://p.example/other/#/inbox/a',
    });
    expect(openAction('https://evil.example/#/inbox/a', here)).toBeNull();
  });
});
