import type { WebhookCheck } from './settings-api.js';

/** How the guard's address kinds (`private address`, `resolves to loopback address` …) read to a person. */
const KINDS: Readonly<Record<string, string>> = {
  private: 'a private network address',
  uniqueLocal: 'a private network address',
  loopback: 'a loopback address (the server itself)',
  linkLocal: 'a link-local address',
  carrierGradeNat: 'a carrier-grade NAT address',
  metadata: 'a cloud metadata address',
};

/** `resolves to private address` → `private`; `private address` → `private`. */
function kindOf(reason: string): string | undefined {
  return /^(?:resolves to )?([A-Za-z0-9]+) address$/.exec(reason)?.[1];
}

/** The `host:port` entry that would let the URL through (IPv6 in brackets), or undefined. */
function allowEntry(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    const port = parsed.port || (parsed.protocol === 'https:' ? '443' : '80');
    return `${parsed.hostname}:${port}`;
  } catch {
    return undefined;
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return 'this address';
  }
}

/** What the warning says: the headline, why (and what happens), and what to do. */
export interface WebhookWarning {
  title: string;
  detail: string;
  advice: string;
}

/**
 * The warning shown under the webhook URL when the server's outbound rules (`POST /webhooks/check`) refuse
 * it, or undefined when there is nothing to warn about (allowed, or the server could not check). The
 * reasons are the guard's own short vocabulary; the host comes from the URL the person typed.
 */
export function webhookWarning(url: string, check: WebhookCheck): WebhookWarning | undefined {
  if (!check.checked || check.ok) return undefined;
  const reason = check.reason ?? 'refused';
  const host = hostOf(url);
  const outcome = 'Answers and messages for this agent will not reach it: each delivery fails at once.';

  if (/^(dns |no address$|unparseable address$)/.test(reason)) {
    return {
      title: 'Placet cannot deliver to this address.',
      detail: `The name ${host} does not resolve to an address the server can use (${reason}). ${outcome}`,
      advice: 'Check the host name, or save the address again once its DNS record exists.',
    };
  }
  if (reason === 'timeout' || reason === 'guard failure') {
    return {
      title: 'Placet could not check this address.',
      detail: `Looking up ${host} did not finish (${reason}), so deliveries to it may fail.`,
      advice: 'Check the host name, then save again to check once more.',
    };
  }

  const kind = kindOf(reason);
  const resolved = reason.startsWith('resolves to ');
  const described =
    kind !== undefined
      ? `The host ${host} ${resolved ? 'resolves to' : 'is'} ${KINDS[kind] ?? `a reserved address (${kind})`}`
      : reason === 'loopback hostname'
        ? `The host ${host} names the server itself`
        : reason === 'metadata hostname'
          ? `The host ${host} names a cloud metadata service`
          : `The server's rules refuse it (${reason})`;
  const entry = allowEntry(url);
  const metadata = kind === 'metadata' || reason === 'metadata hostname';
  return {
    title: 'Placet will refuse to deliver to this address.',
    detail: `${described}. ${outcome}`,
    advice: metadata
      ? 'Use another address: a cloud metadata service is not a webhook receiver.'
      : // The example server's variable, and the option of `httpWebhookSender()` for an embedding host.
        `Use a public address, or ask whoever runs this server to allow it: add ${entry ?? 'the host'} to WEBHOOK_ALLOW_HOSTS (allowHosts of httpWebhookSender() where Placet is embedded).`,
  };
}
