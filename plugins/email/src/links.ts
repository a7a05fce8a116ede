import type { EmailOptions } from './options.js';

/** Where the plugin's routes are, under the API mount: `/plugins/email/actions/:token`. */
export const ACTIONS_PATH = '/actions';

/** The absolute URLs a mail links to, on the server's public origin. */
export interface Links {
  /** The confirmation page of an action token. */
  action(token: string): string;
  /** The review in the dashboard's inbox. */
  inbox(messageId: string): string;
  /** The dashboard's settings (notification preferences). */
  settings(): string;
  /** The host name of the public origin (for Message-IDs). */
  readonly host: string;
}

export function linksOf(options: Pick<EmailOptions, 'publicUrl' | 'apiPath' | 'dashboardPath'>): Links {
  const api = options.apiPath === '/' ? '' : options.apiPath;
  const dashboard = `${options.publicUrl}${options.dashboardPath}`;
  return {
    action: (token) => `${options.publicUrl}${api}/plugins/email${ACTIONS_PATH}/${encodeURIComponent(token)}`,
    inbox: (messageId) => `${dashboard}#/inbox/${encodeURIComponent(messageId)}`,
    settings: () => `${dashboard}#/settings`,
    host: new URL(options.publicUrl).hostname,
  };
}
