import { describe, expect, it } from 'vitest';
import { escapeMrkdwn, markdownToMrkdwn, mrkdwnLink, truncateMrkdwn } from './mrkdwn.js';

describe('markdown → mrkdwn', () => {
  it('escapes &, < and > everywhere: no mention, link or date token can be injected', () => {
    for (const attack of [
      '<!channel>',
      '<!here>',
      '<@U0123>',
      '<!subteam^S1>',
      '<https://evil.test|bank>',
      '<!date^1^x|y>',
    ]) {
      const out = markdownToMrkdwn(`hi ${attack} there`);
      expect(out).not.toContain('<');
      expect(out).not.toContain('>');
    }
    expect(escapeMrkdwn('a & b < c > d')).toBe('a &amp; b &lt; c &gt; d');
    expect(markdownToMrkdwn('`<!channel>`')).toBe('`&lt;!channel&gt;`');
  });

  it('translates bold, italics, strike-through, headings, lists, quotes and links', () => {
    expect(markdownToMrkdwn('**bold** and __bold__, *it* and _it_, ~~gone~~')).toBe(
      '*bold* and *bold*, _it_ and _it_, ~gone~',
    );
    expect(markdownToMrkdwn('# Plan\n- one\n* two\n> said')).toBe('*Plan*\n• one\n• two\n>said');
    expect(markdownToMrkdwn('see [the **notes**](https://x.test/a?b=1&c=2)')).toBe(
      'see <https://x.test/a?b=1&amp;c=2|the **notes**>',
    );
    expect(markdownToMrkdwn('```\nif (a < b) {}\n```')).toBe('```if (a &lt; b) {}\n```');
  });

  it('makes links from http(s) URLs only, and a label cannot close them', () => {
    expect(markdownToMrkdwn('[x](javascript:alert(1))')).not.toContain('<javascript');
    expect(mrkdwnLink('https://a.test/', 'a|b>c')).toBe('<https://a.test/|a¦b&gt;c>');
    expect(mrkdwnLink('ftp://a.test/', 'file')).toBe('file');
  });

  it('cuts long text without breaking a token or an entity', () => {
    const cut = truncateMrkdwn(`${'a'.repeat(20)} <https://x.test|link> &amp;`, 30);
    expect(cut.length).toBeLessThanOrEqual(30);
    expect(cut).not.toMatch(/<[^>]*$/);
    expect(truncateMrkdwn('abc &amp;', 8)).toBe('abc …');
  });
});
