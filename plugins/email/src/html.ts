import MarkdownIt from 'markdown-it';

/**
 * HTML for mails and pages. Everything that comes from an agent or a user goes through `escapeHtml` or
 * through `renderMarkdown`, which escapes raw HTML (`html: false`), keeps only http(s) and mailto links,
 * and renders no images (a remote image in a mail tells its sender when and where it was read).
 */

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

const markdown = new MarkdownIt({ html: false, linkify: true, breaks: true, typographer: false });
markdown.disable(['image']);
// The default refuses javascript:, vbscript:, file: and most data: URLs; a mail needs even fewer.
markdown.validateLink = (url: string) => /^(https?:|mailto:)/i.test(url.trim());
markdown.renderer.rules.link_open = (tokens, index, options, _env, self) => {
  tokens[index]?.attrSet('rel', 'noopener noreferrer');
  return self.renderToken(tokens, index, options);
};

/** The message's markdown as safe HTML. */
export const renderMarkdown = (text: string): string => markdown.render(text);

/** The first line of a markdown text as plain words, for a subject line. */
export function firstLine(text: string | null, max = 80): string {
  const line =
    (text ?? '')
      .split('\n')
      .map((l) =>
        l
          .replace(/^\s{0,3}(#{1,6}\s+|>\s*|[-*+]\s+|\d+[.)]\s+)/, '')
          .replace(/[*_`~]+/g, '')
          .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
          .trim(),
      )
      .find((l) => l.length > 0) ?? '';
  const flat = line.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** A link styled as a button (inline styles: mail clients drop `<style>` blocks). */
export type Tone = 'primary' | 'danger' | 'secondary';

const TONES: Record<Tone, string> = {
  primary: 'background:#1d4ed8;color:#ffffff;border:1px solid #1d4ed8',
  danger: 'background:#b91c1c;color:#ffffff;border:1px solid #b91c1c',
  secondary: 'background:#ffffff;color:#1d4ed8;border:1px solid #1d4ed8',
};

export function button(href: string, label: string, tone: Tone = 'primary'): string {
  const colours = TONES[tone];
  return `<a href="${escapeHtml(href)}" style="display:inline-block;margin:4px 8px 4px 0;padding:10px 18px;border-radius:6px;font-weight:600;text-decoration:none;${colours}">${escapeHtml(label)}</a>`;
}

const FONT = "-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";

/** The frame of a mail: `body` is HTML already escaped. */
export function mailDocument(title: string, body: string, footer: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title></head>
<body style="margin:0;padding:0;background:#f4f5f7">
<div style="max-width:640px;margin:0 auto;padding:24px;font-family:${FONT};font-size:15px;line-height:1.5;color:#1f2328">
<div style="background:#ffffff;border:1px solid #d8dee4;border-radius:8px;padding:24px">
${body}
</div>
<p style="color:#656d76;font-size:12px;margin:16px 4px">${footer}</p>
</div>
</body></html>
`;
}

/** A page the action links open: no script, styles inline, a form that posts back to the same URL. */
export function pageDocument(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex,nofollow"><title>${escapeHtml(title)}</title>
<style>
body{margin:0;background:#f4f5f7;font-family:${FONT};font-size:16px;line-height:1.5;color:#1f2328}
main{max-width:600px;margin:48px auto;padding:28px;background:#fff;border:1px solid #d8dee4;border-radius:8px}
h1{font-size:22px;margin:0 0 12px}
.muted{color:#656d76;font-size:14px}
.quote{border-left:3px solid #d8dee4;padding:4px 12px;margin:16px 0}
button{font:inherit;font-weight:600;padding:10px 22px;border-radius:6px;border:1px solid #1d4ed8;background:#1d4ed8;color:#fff;cursor:pointer}
button.danger{border-color:#b91c1c;background:#b91c1c}
a{color:#1d4ed8}
</style></head>
<body><main>
${body}
</main></body></html>
`;
}
