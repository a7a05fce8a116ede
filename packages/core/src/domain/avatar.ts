/**
 * Uploaded agent avatars: the image types taken (recognised by their bytes, never by the declared type),
 * the size limit, and where an avatar's bytes live. The channel keeps only its `avatarUrl`
 * (`<api>/agents/<id>/avatar?v=<avatarId>.<ext>`); the storage key is made from that URL's `v` by the
 * engine (`channels/<id>/avatar-<avatarId>.<ext>`), so no column holds it and nothing else can name it.
 */

/** The largest avatar image taken: 1 MiB. A larger upload is refused with 413. */
export const MAX_AVATAR_BYTES = 1024 * 1024;

/** The image types an avatar may be, by file extension. SVG is not one: it can carry script. */
export const AVATAR_TYPES = {
  png: 'image/png',
  jpg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
} as const;
export type AvatarExtension = keyof typeof AVATAR_TYPES;

const startsWith = (bytes: Uint8Array, prefix: readonly number[], at = 0) =>
  bytes.length >= at + prefix.length && prefix.every((b, i) => bytes[at + i] === b);
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

/** The avatar type of an image by its magic number, or `undefined` for anything else (SVG included). */
export function sniffAvatarType(bytes: Uint8Array): AvatarExtension | undefined {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpg';
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return 'gif';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'webp';
  return undefined;
}

/** Whether the declared type or the bytes say SVG (refused with a message that names it). */
export function looksLikeSvg(declaredType: string, filename: string, bytes: Uint8Array): boolean {
  if (/svg/i.test(declaredType) || /\.svgz?$/i.test(filename)) return true;
  const head = new TextDecoder().decode(bytes.subarray(0, 512)).trimStart().toLowerCase();
  return head.startsWith('<svg') || (head.startsWith('<?xml') && head.includes('<svg'));
}

const VERSION = /^([a-z0-9]{10,40})\.(png|jpg|webp|gif)$/;

/** The `v` of an avatar URL: the avatar's id and extension. */
export const avatarVersion = (avatarId: string, ext: AvatarExtension) => `${avatarId}.${ext}`;

/** The storage key of a channel's avatar version (made by the engine, never from input unchecked). */
export function avatarKeyOf(channelId: string, version: string): string | undefined {
  const match = VERSION.exec(version);
  return match ? `channels/${channelId}/avatar-${match[1]}.${match[2]}` : undefined;
}

/** The same-origin URL (under the API's mount path) that serves a channel's uploaded avatar. */
export function avatarUrlOf(baseUrl: string, channelId: string, version: string): string {
  return `${baseUrl}/agents/${encodeURIComponent(channelId)}/avatar?v=${version}`;
}

/**
 * The uploaded avatar a channel's `avatarUrl` points at: its version, storage key and type, or
 * `undefined` when the URL is not one of ours for this channel (an external image, none).
 */
export function uploadedAvatar(
  channelId: string,
  avatarUrl: string | null | undefined,
): { version: string; key: string; contentType: string } | undefined {
  if (!avatarUrl) return undefined;
  let url: URL;
  try {
    url = new URL(avatarUrl, 'http://placet.invalid');
  } catch {
    return undefined;
  }
  if (url.origin !== 'http://placet.invalid') return undefined;
  if (!url.pathname.endsWith(`/agents/${encodeURIComponent(channelId)}/avatar`)) return undefined;
  const version = url.searchParams.get('v') ?? '';
  const key = avatarKeyOf(channelId, version);
  if (!key) return undefined;
  const ext = version.slice(version.lastIndexOf('.') + 1) as AvatarExtension;
  return { version, key, contentType: AVATAR_TYPES[ext] };
}
