/** The protected header of a compact JWS (`header.payload.signature`), or undefined when it is not one. */
export function jwsHeader(jws: string): Record<string, unknown> | undefined {
  const parts = jws.split('.');
  if (parts.length !== 3 || !parts[0]) return undefined;
  try {
    const base64 = parts[0].replace(/-/g, '+').replace(/_/g, '/');
    const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
    const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
    const header = JSON.parse(new TextDecoder().decode(bytes)) as unknown;
    return header && typeof header === 'object' && !Array.isArray(header)
      ? (header as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The id of the key that signed a receipt (its header's `kid`), or undefined. */
export function receiptKid(jws: string): string | undefined {
  const kid = jwsHeader(jws)?.kid;
  return typeof kid === 'string' ? kid : undefined;
}

/**
 * Puts `text` on the clipboard: the async Clipboard API where the page may use it, else a selected
 * off-screen textarea and `execCommand('copy')`. Resolves to whether either worked.
 */
export async function copyText(text: string, doc: Document = document): Promise<boolean> {
  try {
    if (navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Not allowed here (no permission, an insecure origin): try the old way.
  }
  const area = doc.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.left = '-9999px';
  doc.body.append(area);
  area.select();
  try {
    return doc.execCommand('copy');
  } catch {
    return false;
  } finally {
    area.remove();
  }
}
