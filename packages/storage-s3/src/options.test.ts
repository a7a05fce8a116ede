import { S3Client } from '@aws-sdk/client-s3';
import { isPlacetError, type PlacetError } from '@placet/core/adapter';
import { describe, expect, it } from 'vitest';
import { MIN_PART_SIZE, parseS3FileStoreOptions, S3FileStoreOptionsSchema } from './options.js';
import { s3FileStore } from './s3-file-store.js';

const SECRET = 'wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY';

function refusal(input: unknown): PlacetError {
  try {
    parseS3FileStoreOptions(input);
  } catch (error) {
    if (isPlacetError(error)) return error;
    throw error;
  }
  throw new Error('expected INVALID_OPTIONS, but the options parsed');
}

const pathsOf = (error: PlacetError) => (error.issues ?? []).map((i) => i.path).sort();

describe('s3FileStore() options', () => {
  it('applies defaults: no prefix, 5 MiB parts, 4 in flight, region and credentials from the SDK', () => {
    const o = parseS3FileStoreOptions({ bucket: 'placet' });
    expect(o).toEqual({
      client: undefined,
      clientConfig: {
        requestChecksumCalculation: 'WHEN_SUPPORTED',
        responseChecksumValidation: 'WHEN_SUPPORTED',
      },
      bucket: 'placet',
      prefix: '',
      partSize: MIN_PART_SIZE,
      queueSize: 4,
    });
    expect(Object.isFrozen(o)).toBe(true);
    expect(Object.isFrozen(o.clientConfig)).toBe(true);
  });

  it('an S3-compatible endpoint: us-east-1 and checksums only when required, unless told otherwise', () => {
    const o = parseS3FileStoreOptions({
      bucket: 'placet',
      endpoint: 'http://127.0.0.1:9000',
      forcePathStyle: true,
      credentials: { accessKeyId: 'minio', secretAccessKey: SECRET },
      prefix: 'prod/files',
    });
    expect(o.clientConfig).toEqual({
      endpoint: 'http://127.0.0.1:9000',
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'minio', secretAccessKey: SECRET },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    expect(o.prefix).toBe('prod/files/');
    const told = parseS3FileStoreOptions({
      bucket: 'placet',
      endpoint: 'https://s3.example.com',
      region: 'eu-central-1',
      checksums: 'when-supported',
    });
    expect(told.clientConfig).toMatchObject({
      region: 'eu-central-1',
      requestChecksumCalculation: 'WHEN_SUPPORTED',
    });
  });

  it('keeps a prefix that ends with / as it is', () => {
    expect(parseS3FileStoreOptions({ bucket: 'b', prefix: 'a/b/' }).prefix).toBe('a/b/');
    expect(parseS3FileStoreOptions({ bucket: 'b', prefix: "x_y-z.1!*'()" }).prefix).toBe("x_y-z.1!*'()/");
  });

  it('refuses bad options with INVALID_OPTIONS, naming every path', () => {
    const error = refusal({
      bucket: 'has/slash',
      endpoint: 'ftp://files.example.com',
      region: 'EU WEST',
      forcePathStyle: 'yes',
      credentials: { accessKeyId: '' },
      checksums: 'always',
      prefix: '/leading',
      partSize: 1024,
      queueSize: 0,
    });
    expect(error.code).toBe('INVALID_OPTIONS');
    expect(pathsOf(error)).toEqual([
      'bucket',
      'checksums',
      'credentials.accessKeyId',
      'credentials.secretAccessKey',
      'endpoint',
      'forcePathStyle',
      'partSize',
      'prefix',
      'queueSize',
      'region',
    ]);
    expect(error.message).toMatch(/^Invalid s3FileStore\(\) options: /);
    expect(refusal(undefined).code).toBe('INVALID_OPTIONS');
    expect(pathsOf(refusal({}))).toEqual(['bucket']);
  });

  it.each([
    ['', true],
    ['a', true],
    ['a/', true],
    ['/a', false],
    ['a//b', false],
    ['a/../b', false],
    ['./a', false],
    ['a b', false],
    ['a\\b', false],
  ])('prefix %j valid: %s', (prefix, valid) => {
    expect(S3FileStoreOptionsSchema.safeParse({ bucket: 'b', prefix }).success).toBe(valid);
  });

  it('never echoes values (secrets, URLs) in the message or the issues', () => {
    const error = refusal({
      bucket: `${SECRET}/x`,
      endpoint: `ftp://user:${SECRET}@store.example.com`,
      region: SECRET,
      credentials: { accessKeyId: 42, secretAccessKey: { value: SECRET } },
      prefix: `/${SECRET}`,
    });
    expect(JSON.stringify({ message: error.message, issues: error.issues })).not.toContain(
      SECRET.slice(0, 12),
    );
  });

  it('takes a host client, and then no settings of a client', () => {
    const client = new S3Client({ region: 'us-east-1' });
    try {
      expect(parseS3FileStoreOptions({ client, bucket: 'b' }).client).toBe(client);
      const error = refusal({
        client,
        bucket: 'b',
        endpoint: 'http://127.0.0.1:9000',
        region: 'us-east-1',
        forcePathStyle: true,
        credentials: { accessKeyId: 'a', secretAccessKey: SECRET },
        checksums: 'when-required',
      });
      expect(pathsOf(error)).toEqual(['checksums', 'credentials', 'endpoint', 'forcePathStyle', 'region']);
      expect(pathsOf(refusal({ client: { send() {} }, bucket: 'b' }))).toEqual(['client']);
    } finally {
      client.destroy();
    }
  });

  it('s3FileStore() parses its options before making anything', () => {
    expect(() => s3FileStore({ bucket: '' })).toThrow(/Invalid s3FileStore\(\) options: bucket/);
    const files = s3FileStore({ bucket: 'b', region: 'us-east-1' });
    expect(files.capabilities).toEqual({ name: 's3', ranges: true });
    return files.close?.();
  });
});
