/**
 * The outbound-request guard, as adapters (a webhook sender) and plugins (a notifier) use it: the
 * `allowHosts` format and the address rules, written once. Both entries re-export this list.
 */
export {
  type AllowHostEntry,
  type AllowHosts,
  normaliseHost,
  parseAllowHostEntry,
  parseAllowHosts,
} from './allow-hosts.js';
export {
  checkOutboundHost,
  type IpAddress,
  localHostNameKind,
  type OutboundHostCheck,
  type OutboundHostOptions,
  type OutboundResolver,
  parseIpAddress,
  type ResolvedAddress,
  systemResolver,
} from './outbound-guard.js';
