import { describe, expect, it } from 'vitest';
import { RespondReview, Review, ReviewCallback, ReviewInput } from './review.js';

const paths = (result: { error?: { issues: { path: PropertyKey[] }[] } }) =>
  (result.error?.issues ?? []).map((issue) => issue.path.join('.'));

describe('ReviewInput', () => {
  it('accepts the documented approval example and keeps payload keys', () => {
    const body = {
      type: 'approval',
      payload: {
        options: [{ id: 'approve', label: 'Approve', style: 'primary' }],
        allowComment: true,
        extra: 1,
      },
      expiresInSeconds: 3600,
    };
    expect(ReviewInput.safeParse(body).data).toEqual(body);
  });

  it('accepts expiresAt as a string or null and rejects other types', () => {
    expect(ReviewInput.safeParse({ type: 'form', expiresAt: '2025-01-01T00:00:00Z' }).success).toBe(true);
    expect(ReviewInput.safeParse({ type: 'form', expiresAt: null }).success).toBe(true);
    expect(paths(ReviewInput.safeParse({ type: 'form', expiresAt: 1735689600000 }))).toEqual(['expiresAt']);
  });

  it('rejects a payload that is not an object', () => {
    expect(paths(ReviewInput.safeParse({ type: 'form', payload: ['a'] }))).toEqual(['payload']);
    expect(paths(ReviewInput.safeParse({ type: 'form', payload: 'text' }))).toEqual(['payload']);
  });
});

describe('ReviewCallback', () => {
  it('normalises the method and only allows http(s) urls', () => {
    expect(ReviewCallback.safeParse({ url: 'https://cb.example.com', method: 'patch' }).data?.method).toBe(
      'PATCH',
    );
    expect(ReviewCallback.safeParse({ url: 'https://cb.example.com' }).data?.method).toBeUndefined();
    expect(paths(ReviewCallback.safeParse({ url: 'gopher://cb.example.com' }))).toEqual(['url']);
    expect(paths(ReviewCallback.safeParse({ url: 'https://cb.example.com', method: 'CONNECT' }))).toEqual([
      'method',
    ]);
  });
});

describe('RespondReview', () => {
  it('requires a response object and bounds feedback', () => {
    expect(RespondReview.safeParse({ response: { selectedOption: 'approve' } }).success).toBe(true);
    expect(paths(RespondReview.safeParse({}))).toEqual(['response']);
    expect(paths(RespondReview.safeParse({ response: { a: 1 }, feedback: 'x'.repeat(10_001) }))).toEqual([
      'feedback',
    ]);
    const withFiles = RespondReview.safeParse({ response: {}, modifiedFileIds: { file_1: 'file_2' } });
    expect(withFiles.data?.modifiedFileIds).toEqual({ file_1: 'file_2' });
  });
});

describe('Review', () => {
  it('parses a stored pending review', () => {
    const review = {
      type: 'approval',
      payload: {},
      status: 'pending',
      response: null,
      callback: null,
      expiresAt: '2025-03-02T12:00:00.000Z',
      completedAt: null,
      feedback: null,
      modifiedFileIds: null,
      respondedBy: null,
    };
    expect(Review.safeParse(review).success).toBe(true);
    expect(paths(Review.safeParse({ ...review, status: 'open' }))).toEqual(['status']);
  });
});
