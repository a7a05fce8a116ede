import { describe, expect, it } from 'vitest';
import { helpText, loadConfig } from './config.js';

describe('long-poll settings', () => {
  it('caps long-polls at 100 per API key and 200 per user by default', () => {
    expect(loadConfig({}).concurrentWaits).toEqual({ perKey: 100, perUser: 200 });
  });

  it('THROTTLE_WAITS_PER_KEY / _PER_USER set the caps; 0 lifts one; both 0 turn the cap off', () => {
    expect(loadConfig({ THROTTLE_WAITS_PER_KEY: '5', THROTTLE_WAITS_PER_USER: '8' }).concurrentWaits).toEqual(
      {
        perKey: 5,
        perUser: 8,
      },
    );
    expect(loadConfig({ THROTTLE_WAITS_PER_KEY: '0' }).concurrentWaits).toEqual({
      perKey: Number.MAX_SAFE_INTEGER,
      perUser: 200,
    });
    expect(loadConfig({ THROTTLE_WAITS_PER_KEY: '0', THROTTLE_WAITS_PER_USER: '0' }).concurrentWaits).toBe(
      false,
    );
    expect(() => loadConfig({ THROTTLE_WAITS_PER_USER: '-1' })).toThrow(/THROTTLE_WAITS_PER_USER/);
  });

  it('--help lists them, says long-polls count, and warns about portless WEBHOOK_ALLOW_HOSTS', () => {
    const help = helpText();
    expect(help).toContain('THROTTLE_WAITS_PER_KEY');
    expect(help).toContain('THROTTLE_WAITS_PER_USER');
    expect(help).not.toMatch(/long-polls exempt/);
    expect(help).toMatch(/a long-poll counts once/);
    expect(help).toMatch(/:port/);
    expect(help).toMatch(/Without a port an entry opens every port/);
  });
});

describe('operations settings', () => {
  it('METRICS is off by default; on serves it on PORT; METRICS_PORT moves it (and turns it on)', () => {
    expect(loadConfig({}).metrics).toBe(false);
    expect(loadConfig({ METRICS: 'on' }).metrics).toEqual({ port: undefined });
    expect(loadConfig({ METRICS_PORT: '9464' }).metrics).toEqual({ port: 9464 });
    expect(loadConfig({ METRICS: 'off', METRICS_PORT: '9464' }).metrics).toBe(false);
    expect(() => loadConfig({ METRICS: 'yes' })).toThrow(/METRICS/);
    expect(() => loadConfig({ METRICS_PORT: '70000' })).toThrow(/METRICS_PORT/);
  });

  it('SHUTDOWN_DELAY is in seconds, 0 by default, at most 300', () => {
    expect(loadConfig({}).shutdownDelayMs).toBe(0);
    expect(loadConfig({ SHUTDOWN_DELAY: '2.5' }).shutdownDelayMs).toBe(2500);
    expect(() => loadConfig({ SHUTDOWN_DELAY: '301' })).toThrow(/SHUTDOWN_DELAY/);
  });

  it('--help lists them and the readiness endpoint', () => {
    const help = helpText();
    for (const name of ['METRICS', 'METRICS_PORT', 'SHUTDOWN_DELAY']) expect(help).toContain(name);
    expect(help).toContain('readiness: /ready');
  });
});

describe('notification settings', () => {
  it('are all off without their variables; reminders after an hour', () => {
    const config = loadConfig({});
    expect([config.email, config.webPush, config.publicUrl]).toEqual([undefined, undefined, undefined]);
    expect(config.reminderAfterMs).toBe(3_600_000);
    expect(loadConfig({ REMINDER_AFTER_MINUTES: '0' }).reminderAfterMs).toBeNull();
    expect(loadConfig({ REMINDER_AFTER_MINUTES: '15' }).reminderAfterMs).toBe(900_000);
  });

  it('SMTP_URL turns e-mail on, needs PLACET_PUBLIC_URL, and no error echoes the password', () => {
    const smtp = 'smtp://mailer:s3cret-pass@127.0.0.1:2525';
    const error = (() => {
      try {
        loadConfig({ SMTP_URL: smtp });
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(error).toMatch(/SMTP_URL: needs PLACET_PUBLIC_URL/);
    expect(error).not.toContain('s3cret-pass');
    expect(() => loadConfig({ SMTP_URL: 'http://127.0.0.1:2525' })).toThrow(/SMTP_URL: must be smtp/);
    expect(() => loadConfig({ SMTP_FROM: 'a@b.test' })).toThrow(/SMTP_FROM: needs SMTP_URL/);
    const config = loadConfig({ SMTP_URL: smtp, PLACET_PUBLIC_URL: 'https://placet.example.com/' });
    expect(config.publicUrl).toBe('https://placet.example.com');
    expect(config.email).toEqual({ smtp, from: 'Placet <placet@placet.example.com>' });
  });

  it('SLACK_BOT_TOKEN turns Slack on with its signing secret and PLACET_PUBLIC_URL; no error echoes a secret', () => {
    const token = 'xoxb-Secret-token-1';
    const secret = 'Signing-secret-2';
    const error = (() => {
      try {
        loadConfig({ SLACK_BOT_TOKEN: token });
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(error).toMatch(/SLACK_BOT_TOKEN: needs SLACK_SIGNING_SECRET/);
    expect(error).toMatch(/SLACK_BOT_TOKEN: needs PLACET_PUBLIC_URL/);
    expect(error).not.toContain(token);
    expect(() => loadConfig({ SLACK_CHANNELS: 'a=C1' })).toThrow(/SLACK_CHANNELS: need SLACK_BOT_TOKEN/);
    expect(() =>
      loadConfig({
        SLACK_BOT_TOKEN: token,
        SLACK_SIGNING_SECRET: secret,
        PLACET_PUBLIC_URL: 'https://placet.example.com',
        SLACK_CHANNELS: 'no-id',
      }),
    ).toThrow(/SLACK_CHANNELS: each item is name=ID/);
    const config = loadConfig({
      SLACK_BOT_TOKEN: token,
      SLACK_SIGNING_SECRET: secret,
      PLACET_PUBLIC_URL: 'https://placet.example.com',
      SLACK_CHANNELS: 'deploy-bot=C0123456789, ops=C0987654321',
      SLACK_DIRECT_MESSAGES: 'off',
      SLACK_USERS: 'ada@example.com=U012AB3CD',
    });
    expect(config.slack).toEqual({
      botToken: token,
      signingSecret: secret,
      apiUrl: undefined,
      channels: { 'deploy-bot': 'C0123456789', ops: 'C0987654321' },
      defaultChannel: undefined,
      directMessages: false,
      users: { 'ada@example.com': 'U012AB3CD' },
    });
    expect(loadConfig({}).slack).toBeUndefined();
  });

  it('WEBPUSH=on turns Web Push on with generated keys; a key pair turns it on; half a pair is refused', () => {
    expect(loadConfig({ WEBPUSH: 'on', WEBPUSH_ALLOW_HOSTS: '127.0.0.1, ::1' }).webPush).toEqual({
      vapid: undefined,
      subject: 'mailto:admin@placet.local',
      allowHosts: ['127.0.0.1', '::1'],
    });
    const publicKey = `B${'A'.repeat(86)}`;
    const privateKey = 'x'.repeat(43);
    expect(
      loadConfig({ WEBPUSH_VAPID_PUBLIC_KEY: publicKey, WEBPUSH_VAPID_PRIVATE_KEY: privateKey }).webPush
        ?.vapid,
    ).toEqual({ publicKey, privateKey });
    expect(() => loadConfig({ WEBPUSH_VAPID_PUBLIC_KEY: publicKey })).toThrow(/set both, or neither/);
    expect(() => loadConfig({ WEBPUSH_ALLOW_HOSTS: '127.0.0.1' })).toThrow(/need WEBPUSH=on/);
    expect(
      loadConfig({
        WEBPUSH: 'off',
        WEBPUSH_VAPID_PUBLIC_KEY: publicKey,
        WEBPUSH_VAPID_PRIVATE_KEY: privateKey,
      }).webPush,
    ).toBeUndefined();
  });
});
