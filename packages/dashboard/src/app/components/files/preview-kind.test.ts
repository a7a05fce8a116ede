import { describe, expect, it } from 'vitest';
import { fileBadge, previewPlan } from './preview-kind.js';

const plan = (filename: string, mimeType: string) => previewPlan({ filename, mimeType });

describe('previewPlan', () => {
  it('reads the extension before the MIME type', () => {
    expect(plan('deploy.ts', 'video/mp2t')).toEqual({ kind: 'code', language: 'typescript' });
    expect(plan('main.py', 'application/octet-stream')).toEqual({ kind: 'code', language: 'python' });
    expect(plan('Dockerfile', 'application/octet-stream')).toEqual({ kind: 'code', language: 'dockerfile' });
    expect(plan('NOTES.MD', 'text/plain')).toEqual({ kind: 'markdown' });
    expect(plan('rows.tsv', 'text/plain')).toEqual({ kind: 'csv', delimiter: '\t' });
  });

  it('sends anything that says HTML to the sandboxed frame, whatever else it claims', () => {
    expect(plan('page.html', 'application/pdf').kind).toBe('html');
    expect(plan('report.pdf', 'text/html').kind).toBe('html');
    expect(plan('x', 'application/xhtml+xml').kind).toBe('html');
  });

  it('uses the browser viewer only for what the server serves as a PDF', () => {
    expect(plan('report.pdf', 'application/pdf').kind).toBe('pdf');
    expect(plan('report.pdf', 'application/octet-stream').kind).toBe('none');
  });

  it('falls back to the MIME type, then to no preview', () => {
    expect(plan('photo', 'image/webp').kind).toBe('image');
    expect(plan('logo.svg', 'image/svg+xml').kind).toBe('image');
    expect(plan('clip', 'video/mp4').kind).toBe('video');
    expect(plan('voice', 'audio/ogg; codecs=opus').kind).toBe('audio');
    expect(plan('data', 'application/vnd.api+json')).toEqual({ kind: 'code', language: 'json' });
    expect(plan('server.log', 'application/octet-stream').kind).toBe('text');
    expect(plan('readme', 'text/plain').kind).toBe('text');
    expect(plan('archive.zip', 'application/zip').kind).toBe('none');
  });
});

describe('fileBadge', () => {
  it('names the extension, or says FILE', () => {
    expect(fileBadge('report.pdf')).toBe('PDF');
    expect(fileBadge('Dockerfile')).toBe('FILE');
    expect(fileBadge('.env')).toBe('FILE');
    expect(fileBadge('dump.sqlite3backup')).toBe('FILE');
  });
});
