import { describe, expect, it } from 'vitest';
import { FileUploadFields, StoreText } from './files.js';

describe('StoreText', () => {
  it('fills the filename and mime type defaults', () => {
    expect(StoreText.safeParse({ channelId: 'ch_1', content: '# Notes' }).data).toEqual({
      channelId: 'ch_1',
      content: '# Notes',
      filename: 'content.md',
      mimeType: 'text/markdown',
    });
    expect(StoreText.safeParse({ channelId: 'ch_1', content: '' }).success).toBe(false);
  });
});

describe('FileUploadFields', () => {
  it("answers a missing channelId with the original's message", () => {
    for (const fields of [{}, { channelId: '' }]) {
      const result = FileUploadFields.safeParse(fields);
      expect(result.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
        ['channelId', 'channelId is required'],
      ]);
    }
    expect(FileUploadFields.safeParse({ channelId: 'ch_1', text: 'see attached' }).success).toBe(true);
  });
});
