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
