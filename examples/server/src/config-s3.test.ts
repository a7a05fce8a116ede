import { describe, expect, it } from 'vitest';
import { helpText, loadConfig } from './config.js';

const SECRET = 'sk-marker-0123456789abcdef';

function errorOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a configuration error');
}

describe('files on S3 (S3_*)', () => {
  it('without S3_BUCKET, files stay on disk', () => {
    expect(loadConfig({}).s3).toBeUndefined();
  });

  it('S3_* become the options of s3FileStore()', () => {
    expect(
      loadConfig({
        S3_BUCKET: 'placet-files',
        S3_ENDPOINT: 'http://127.0.0.1:9000',
        S3_REGION: 'eu-west-1',
        S3_FORCE_PATH_STYLE: 'true',
        S3_ACCESS_KEY_ID: 'placet',
        S3_SECRET_ACCESS_KEY: SECRET,
        S3_PREFIX: 'placet/',
      }).s3,
    ).toEqual({
      bucket: 'placet-files',
      endpoint: 'http://127.0.0.1:9000',
      region: 'eu-west-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'placet', secretAccessKey: SECRET },
      prefix: 'placet/',
    });
    expect(loadConfig({ S3_BUCKET: 'b', S3_FORCE_PATH_STYLE: '0' }).s3).toEqual({
      bucket: 'b',
      forcePathStyle: false,
    });
    // Empty variables count as unset.
    expect(loadConfig({ S3_BUCKET: 'b', S3_ENDPOINT: '', S3_PREFIX: '' }).s3).toEqual({ bucket: 'b' });
  });

  it('refuses S3_* without S3_BUCKET (rather than keeping files on disk unnoticed)', () => {
    const message = errorOf({ S3_ENDPOINT: 'http://127.0.0.1:9000', S3_SECRET_ACCESS_KEY: SECRET });
    expect(message).toMatch(/S3_ENDPOINT: needs S3_BUCKET/);
    expect(message).toMatch(/S3_SECRET_ACCESS_KEY: needs S3_BUCKET/);
    expect(message).not.toContain(SECRET);
  });

  it('refuses one half of the key pair', () => {
    expect(errorOf({ S3_BUCKET: 'b', S3_ACCESS_KEY_ID: 'placet' })).toMatch(
      /S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY: set both, or neither/,
    );
    const message = errorOf({ S3_BUCKET: 'b', S3_SECRET_ACCESS_KEY: SECRET });
    expect(message).toMatch(/set both, or neither/);
    expect(message).not.toContain(SECRET);
  });

  it('checks values with the package schema, naming the variable and never echoing the value', () => {
    const message = errorOf({
      S3_BUCKET: `${SECRET}/x`,
      S3_ENDPOINT: `ftp://user:${SECRET}@store.example.com`,
      S3_REGION: SECRET.toUpperCase(),
      S3_PREFIX: `/${SECRET}`,
      S3_FORCE_PATH_STYLE: 'yes',
      S3_ACCESS_KEY_ID: 'placet',
      S3_SECRET_ACCESS_KEY: SECRET,
    });
    expect(message).toMatch(/^Invalid configuration:/);
    expect(message).toMatch(/S3_FORCE_PATH_STYLE: /);
    expect(errorOf({ S3_BUCKET: `${SECRET}/x` })).toMatch(/S3_BUCKET: /);
    const values = errorOf({
      S3_BUCKET: 'b',
      S3_ENDPOINT: `ftp://user:${SECRET}@store.example.com`,
      S3_REGION: SECRET.toUpperCase(),
      S3_PREFIX: `/${SECRET}`,
    });
    for (const name of ['S3_ENDPOINT', 'S3_REGION', 'S3_PREFIX']) expect(values).toContain(`${name}: `);
    for (const text of [message, values]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(SECRET.toUpperCase());
    }
  });

  it('--help lists every S3_* setting', () => {
    const help = helpText();
    for (const name of [
      'S3_BUCKET',
      'S3_ENDPOINT',
      'S3_REGION',
      'S3_FORCE_PATH_STYLE',
      'S3_ACCESS_KEY_ID',
      'S3_SECRET_ACCESS_KEY',
      'S3_PREFIX',
    ]) {
      expect(help).toContain(name);
    }
  });
});
