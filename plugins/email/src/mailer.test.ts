import { describe, expect, it } from 'vitest';
import { smtpUrlSettings } from './mailer.js';

describe('smtpUrlSettings: an SMTP URL as transport settings', () => {
  it('smtp: STARTTLS on 587 by default; smtps: TLS on 465; an explicit port wins', () => {
    expect(smtpUrlSettings('smtp://mail.example.test')).toEqual({
      host: 'mail.example.test',
      port: 587,
      secure: false,
    });
    expect(smtpUrlSettings('smtps://mail.example.test')).toEqual({
      host: 'mail.example.test',
      port: 465,
      secure: true,
    });
    expect(smtpUrlSettings('smtp://127.0.0.1:2525')).toMatchObject({ host: '127.0.0.1', port: 2525 });
    expect(smtpUrlSettings('smtps://[::1]:4650')).toMatchObject({ host: '::1', port: 4650, secure: true });
  });

  it('decodes the user and the password', () => {
    const password = 'p@ss:w/rd?#%ü ';
    expect(
      smtpUrlSettings(
        `smtp://${encodeURIComponent('relay@example.test')}:${encodeURIComponent(password)}@h:25`,
      ).auth,
    ).toEqual({ user: 'relay@example.test', pass: password });
    expect(smtpUrlSettings('smtp://relay@h').auth).toEqual({ user: 'relay', pass: '' });
    expect(smtpUrlSettings('smtp://h').auth).toBeUndefined();
    // A stray `%` is kept as written rather than refused.
    expect(smtpUrlSettings('smtp://relay:100%25%zz@h').auth).toEqual({ user: 'relay', pass: '100%25%zz' });
  });

  it('takes options from the query, as nodemailer does, but never what the URL itself says', () => {
    expect(
      smtpUrlSettings(
        'smtp://h:25?ignoreTLS=true&socketTimeout=30000&name=placet.example.test&tls.rejectUnauthorized=false&port=99&secure=true',
      ),
    ).toEqual({
      host: 'h',
      port: 25,
      secure: false,
      ignoreTLS: true,
      socketTimeout: 30_000,
      name: 'placet.example.test',
      tls: { rejectUnauthorized: false },
    });
  });

  it('ignores query parameters that would pick another transport or touch prototypes', () => {
    const settings = smtpUrlSettings(
      'smtp://h?sendmail=true&pool=true&jsonTransport=true&service=gmail&url=smtp://x&__proto__=1&constructor=1&a.b=1',
    );
    expect(settings).toEqual({ host: 'h', port: 587, secure: false });
    expect(Object.getPrototypeOf(settings)).toBe(Object.prototype);
  });
});
