/** What the server put into `<meta name="placet-config">` (see the Express handler). */
export interface DashboardConfig {
  apiBase: string;
  authBase: string | false;
  loginUrl: string | null;
  wsPath: string;
  title: string;
}

export function readConfig(doc: Document = document): DashboardConfig {
  const raw = doc.querySelector<HTMLMetaElement>('meta[name="placet-config"]')?.content;
  const parsed = raw ? (JSON.parse(raw) as Partial<DashboardConfig>) : {};
  return {
    apiBase: parsed.apiBase ?? '/api/v1',
    authBase: parsed.authBase ?? '/api/auth',
    loginUrl: parsed.loginUrl ?? null,
    wsPath: parsed.wsPath ?? '/ws',
    title: parsed.title ?? 'Placet',
  };
}

/** The placeholder of `loginUrl` that becomes the page to come back to. */
export const RETURN_TO = '{returnTo}';

/**
 * Where a signed-out person goes: `loginUrl` with every `{returnTo}` replaced by the current page on this
 * origin (path, query and hash), URL-encoded. The host's sign-in sends them back there.
 */
export function loginHref(loginUrl: string, here: Pick<Location, 'pathname' | 'search' | 'hash'>): string {
  const back = encodeURIComponent(`${here.pathname}${here.search}${here.hash}`);
  return loginUrl.replaceAll(RETURN_TO, back);
}
