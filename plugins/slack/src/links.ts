import type { SlackOptions } from './options.js';

/** Where the plugin's interactivity route is, under the API mount. */
export const INTERACTIVITY_PATH = '/interactivity';

/** The absolute URLs a Slack message links to, on the server's public origin. */
export interface Links {
  /** The review in the dashboard's inbox. */
  inbox(messageId: string): string;
  /** An attachment's download (the dashboard's session opens it). */
  file(attachmentId: string): string;
  /** The interactivity request URL to configure in the Slack app. */
  interactivity(): string;
  /** The public keys that verify receipts (a JWKS, public: no session needed). */
  jwks(): string;
}

export function linksOf(options: Pick<SlackOptions, 'publicUrl' | 'apiPath' | 'dashboardPath'>): Links {
  const api = `${options.publicUrl}${options.apiPath === '/' ? '' : options.apiPath}`;
  const dashboard = `${options.publicUrl}${options.dashboardPath}`;
  return {
    inbox: (messageId) => `${dashboard}#/inbox/${encodeURIComponent(messageId)}`,
    file: (attachmentId) => `${api}/files/${encodeURIComponent(attachmentId)}/download`,
    interactivity: () => `${api}/plugins/slack${INTERACTIVITY_PATH}`,
    jwks: () => `${api}/receipts/jwks.json`,
  };
}
