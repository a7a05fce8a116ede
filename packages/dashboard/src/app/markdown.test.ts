import { describe, expect, it } from 'vitest';
import { plainPreview } from './markdown.js';

describe('plainPreview', () => {
  it.each([
    ['Escalated ticket #4512 to tier 2', 'Escalated ticket #4512 to tier 2'],
    ['Turned on auto-reply for ~50% of inbound mail', 'Turned on auto-reply for ~50% of inbound mail'],
    ['cost | time > budget_total', 'cost | time > budget_total'],
    ['# Deploy plan\n\n**Ship** _v2.3.1_ to `prod`?', 'Deploy plan Ship v2.3.1 to prod?'],
    ['See [the run](https://ci.example/run/9) and ![chart](/c0123456789abcdefghij)', 'See the run and chart'],
    ['- [x] build\n- [ ] deploy\n\n> ready?', 'build deploy ready?'],
    ['Before\n```sh\nrm -rf /\n```\nafter', 'Before after'],
    ['| a | b |\n|---|---|\n| 1 | 2 |', 'a b 1 2'],
  ])('%j → %j', (text, preview) => {
    expect(plainPreview(text)).toBe(preview);
  });

  it('cuts at max characters with an ellipsis, and is empty for no text', () => {
    expect(plainPreview('abcdefghij', 5)).toBe('abcd…');
    expect(plainPreview(null)).toBe('');
    expect(plainPreview('')).toBe('');
  });
});
