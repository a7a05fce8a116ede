import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { redactUrl, routeOf } from './access-log.js';

describe('redactUrl', () => {
  it('redacts credential-like path parameters of the matched route (an action link token)', () => {
    const route = '/api/v1/plugins/email/actions/:token';
    expect(redactUrl('/api/v1/plugins/email/actions/eyJ2.c2ln?x=1', route)).toBe(
      '/api/v1/plugins/email/actions/[redacted]?x=1',
    );
    expect(redactUrl('/api/v1/reviews/r1/wait', '/api/v1/reviews/:id/wait')).toBe('/api/v1/reviews/r1/wait');
    // A path the template does not describe is left to the query rules.
    expect(redactUrl('/api/v1/other', route)).toBe('/api/v1/other');
  });

  it('keeps the path and harmless parameters; credential-like values become [redacted]', () => {
    expect(redactUrl('/api/v1/agents')).toBe('/api/v1/agents');
    expect(redactUrl('/ws?apiKey=hp_0123&fromSeq=12')).toBe('/ws?apiKey=[redacted]&fromSeq=12');
    expect(redactUrl('/ws?ticket=abc&token=def&access_token=ghi&x-api-key=j')).toBe(
      '/ws?ticket=[redacted]&token=[redacted]&access_token=[redacted]&x-api-key=[redacted]',
    );
    expect(redactUrl('/api/v1/reviews/1/wait?channel=c1&timeout=30000')).toBe(
      '/api/v1/reviews/1/wait?channel=c1&timeout=30000',
    );
    expect(redactUrl('/x?APIKEY=1&Password=2&client_secret=3')).not.toMatch(/=[123]/);
    expect(redactUrl(`/a?b=${'x'.repeat(1000)}`)).toHaveLength(300);
  });
});

describe('routeOf', () => {
  const req = (fields: Record<string, unknown>) => fields as unknown as IncomingMessage;
  it('the matched template under its mount point; the mount point when refused before a route', () => {
    expect(routeOf(req({ baseUrl: '/api/v1', route: { path: '/reviews/:id/wait' } }))).toBe(
      '/api/v1/reviews/:id/wait',
    );
    expect(routeOf(req({ baseUrl: '', route: { path: '/health' } }))).toBe('/health');
    expect(routeOf(req({ baseUrl: '/api/v1' }))).toBe('/api/v1/*');
    expect(routeOf(req({}))).toBe('(no route)');
  });
});
