import { describe, expect, it } from 'vitest';
import { loginHref } from './config.js';

describe('loginHref: where a signed-out person is sent when the host signs people in', () => {
  const here = { pathname: '/hitl/', search: '?x=1', hash: '#/chats/abc123' };

  it('puts the page they were on into {returnTo}, URL-encoded', () => {
    expect(loginHref('/login?next={returnTo}', here)).toBe(
      '/login?next=%2Fhitl%2F%3Fx%3D1%23%2Fchats%2Fabc123',
    );
  });

  it('leaves a loginUrl without {returnTo} as it is', () => {
    expect(loginHref('/login', here)).toBe('/login');
    expect(loginHref('https://sso.example/login?app=hitl', here)).toBe('https://sso.example/login?app=hitl');
  });
});
