import { describe, expect, it } from 'vitest';
import { webhookWarning } from './webhook-warning.js';

const refused = (reason: string) => ({ ok: false, checked: true, reason });

describe('webhookWarning', () => {
  it('warns about nothing when the URL is allowed or was not checked', () => {
    expect(webhookWarning('https://hooks.example.test/a', { ok: true, checked: true })).toBeUndefined();
    expect(webhookWarning('http://10.0.0.1/hook', { ok: true, checked: false })).toBeUndefined();
  });

  it('says what will happen and what to do for a private address, naming the allow entry', () => {
    const warning = webhookWarning('http://10.0.0.1/hook', refused('private address'))!;
    expect(warning.title).toBe('Placet will refuse to deliver to this address.');
    expect(warning.detail).toBe(
      'The host 10.0.0.1 is a private network address. Answers and messages for this agent will not reach it: each delivery fails at once.',
    );
    expect(warning.advice).toContain('Use a public address, or ask whoever runs this server to allow it');
    expect(warning.advice).toContain('add 10.0.0.1:80 to WEBHOOK_ALLOW_HOSTS');
    expect(warning.advice).toContain('allowHosts of httpWebhookSender()');
  });

  it('reads resolved addresses, host names, IPv6 and ports', () => {
    const resolved = webhookWarning('https://inside.example.test/x', refused('resolves to private address'))!;
    expect(resolved.detail).toMatch(
      /^The host inside\.example\.test resolves to a private network address\./,
    );
    expect(resolved.advice).toContain('add inside.example.test:443 to WEBHOOK_ALLOW_HOSTS');

    const loopback = webhookWarning('http://[::1]:9000/x', refused('loopback address'))!;
    expect(loopback.detail).toMatch(/^The host \[::1\] is a loopback address \(the server itself\)\./);
    expect(loopback.advice).toContain('add [::1]:9000 to WEBHOOK_ALLOW_HOSTS');

    expect(webhookWarning('http://localhost:3000/x', refused('loopback hostname'))!.detail).toMatch(
      /^The host localhost names the server itself\./,
    );
    expect(webhookWarning('http://[2001:db8::1]/x', refused('reserved address'))!.detail).toMatch(
      /is a reserved address \(reserved\)\./,
    );
  });

  it('does not suggest allowing a metadata service', () => {
    const warning = webhookWarning('http://169.254.169.254/latest', refused('metadata address'))!;
    expect(warning.detail).toMatch(/is a cloud metadata address/);
    expect(warning.advice).not.toContain('WEBHOOK_ALLOW_HOSTS');
  });

  it('tells a name that does not resolve, and a check that timed out, apart from a refusal', () => {
    const dns = webhookWarning('https://typo.example.test/x', refused('dns ENOTFOUND'))!;
    expect(dns.title).toBe('Placet cannot deliver to this address.');
    expect(dns.detail).toContain('typo.example.test does not resolve');
    expect(dns.advice).toMatch(/Check the host name/);
    const slow = webhookWarning('https://slow.example.test/x', refused('timeout'))!;
    expect(slow.title).toBe('Placet could not check this address.');
  });
});
