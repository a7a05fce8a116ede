import { css, html, nothing } from 'lit';

/** Up to two initials of a name: "Deploy bot" → "DB", "ci" → "CI", "" → "?". */
export function initials(name: string): string {
  const words = name
    .trim()
    .split(/[\s_-]+/u)
    .filter(Boolean);
  const letters =
    words.length >= 2 ? [words[0]!, words[1]!].map((w) => [...w][0]) : [...(words[0] ?? '')].slice(0, 2);
  return letters.join('').toUpperCase() || '?';
}

/** A hue from the name, so one agent keeps its colour everywhere. */
function hueOf(name: string): number {
  let hash = 0;
  for (const ch of name) hash = (hash * 31 + (ch.codePointAt(0) ?? 0)) % 360;
  return hash;
}

/**
 * An avatar image the page may load: a same-origin path or URL (the dashboard's CSP allows images from
 * itself only, and nothing is fetched from elsewhere at run time), else none (the initials show).
 */
function localImage(url: string | null | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url, location.href);
    return parsed.origin === location.origin ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

/** An agent's avatar: its uploaded image when it is served here, else its initials on its colour. */
export function avatar(name: string, url?: string | null, size: 'sm' | 'md' = 'md') {
  const image = localImage(url);
  return html`<span class="avatar ${size}" aria-hidden="true" style="--hue: ${hueOf(name)}"
    >${image ? html`<img src=${image} alt="" loading="lazy" />` : nothing}<span>${initials(name)}</span></span
  >`;
}

export const avatarStyles = css`
  .avatar {
    position: relative;
    flex: none;
    display: inline-grid;
    place-items: center;
    width: 36px;
    height: 36px;
    border-radius: 10px;
    overflow: hidden;
    font-size: 13px;
    font-weight: 700;
    letter-spacing: 0.02em;
    /* The lightness and saturation come from the theme (static/styles.css), the hue from the name. */
    color: hsl(var(--hue) 50% var(--placet-avatar-fg-lightness, 24%));
    background: hsl(var(--hue) var(--placet-avatar-saturation, 60%) var(--placet-avatar-lightness, 86%));
  }
  .avatar.sm {
    width: 28px;
    height: 28px;
    border-radius: 8px;
    font-size: 11px;
  }
  .avatar img {
    position: absolute;
    inset: 0;
    width: 100%;
    height: 100%;
    object-fit: cover;
  }
`;
