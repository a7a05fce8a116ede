import type { Channel } from '../../types.js';
import type { ChannelPatch, SetWebhookBody } from './settings-api.js';
import type { Problem } from './settings-shared.js';

/** One header row of the form. `original` is the saved header's name when the row came from the server. */
export interface HeaderRow {
  key: number;
  name: string;
  value: string;
  original: string | null;
}

export interface WebhookDraft {
  url: string;
  rows: HeaderRow[];
  username: string;
  password: string;
}

/** How a draft is saved: `setWebhook` when every secret is in the form, else a PATCH of what changed. */
export type WebhookSave =
  | { kind: 'set'; body: SetWebhookBody }
  | { kind: 'patch'; patch: ChannelPatch }
  | { kind: 'invalid'; problem: Problem };

const KEEP_HINT = 'saved values are never shown, and changing the headers replaces them all';

/**
 * Decides how to save the webhook form. The server never returns secrets: header values and the Basic
 * password come back as `***`, and it stores whatever it is sent — `***` included. So a secret left
 * empty in the form means "keep the saved one", which only `PATCH /agents/:id` can express (an absent
 * key is left alone); `setWebhook` clears absent headers and auth. A kept header cannot be combined with
 * changed ones (the headers are one record), so the person is asked to enter its value again.
 */
export function planWebhookSave(channel: Channel, draft: WebhookDraft): WebhookSave {
  const issues: Problem['issues'] = [];
  const rows = draft.rows.map((r) => ({ ...r, name: r.name.trim() }));
  const used = rows.filter((r) => r.name || r.value);
  const seen = new Set<string>();
  used.forEach((row, index) => {
    if (!row.name) issues.push({ path: `headers[${index}]`, message: 'The header needs a name' });
    else if (seen.has(row.name.toLowerCase()))
      issues.push({ path: `headers.${row.name}`, message: 'This header is listed twice' });
    seen.add(row.name.toLowerCase());
  });
  const savedNames = Object.keys(channel.webhookHeaders ?? {});
  const kept = used.filter((r) => r.original !== null && r.name === r.original && r.value === '');
  const headersChanged =
    used.length !== savedNames.length ||
    used.some((r) => r.value !== '' || r.original === null || r.name !== r.original);
  if (headersChanged) {
    for (const row of kept)
      issues.push({ path: `headers.${row.name}`, message: `Enter its value again: ${KEEP_HINT}` });
    for (const row of used) {
      if (row.original !== null && row.name !== row.original && row.value === '')
        issues.push({ path: `headers.${row.name}`, message: 'Enter the value of the renamed header' });
    }
  }

  const savedAuth = channel.webhookAuth;
  const username = draft.username.trim();
  const authKept = savedAuth !== null && username === savedAuth.username && draft.password === '';
  if (!username && draft.password)
    issues.push({ path: 'auth.username', message: 'Enter a username, or clear the password' });
  if (username && !draft.password && !authKept)
    issues.push({ path: 'auth.password', message: 'Enter the password' });

  if (issues.length) return { kind: 'invalid', problem: { message: 'Check the webhook settings.', issues } };

  const headers = Object.fromEntries(used.map((r) => [r.name, r.value]));
  const auth = username ? { username, password: draft.password } : undefined;
  if (kept.length === 0 && !authKept) {
    return {
      kind: 'set',
      body: {
        channelId: channel.id,
        url: draft.url.trim(),
        ...(used.length ? { headers } : {}),
        ...(auth ? { auth } : {}),
      },
    };
  }
  const patch: ChannelPatch = { webhookUrl: draft.url.trim() };
  if (headersChanged) patch.webhookHeaders = used.length ? headers : null;
  if (!authKept) patch.webhookAuth = auth ?? null;
  return { kind: 'patch', patch };
}
