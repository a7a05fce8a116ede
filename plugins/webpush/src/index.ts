export {
  MAX_DEVICE_LENGTH,
  MAX_ENDPOINT_LENGTH,
  WebPushConfig,
  WebPushDeleted,
  WebPushSubscription,
  WebPushSubscriptionInput,
} from './contract.js';
export {
  checkEndpointSyntax,
  checkPushEndpoint,
  type EndpointCheck,
  type EndpointGuardOptions,
  type EndpointSyntax,
} from './endpoint-guard.js';
export { checkVapidKeys, parseAuthSecret, parseP256dh, type VapidKeys } from './keys.js';
export {
  DEFAULT_MAX_DEVICES,
  DEFAULT_TTL_SECONDS,
  type HostResolver,
  type ResolvedAddress,
  WebPushOptions,
  type WebPushOptionsInput,
} from './options.js';
export {
  buildPayload,
  DIGEST_TAG,
  inboxUrl,
  MAX_BODY_LENGTH,
  MAX_PAYLOAD_BYTES,
  MAX_TITLE_LENGTH,
  plainText,
  type WebPushAction,
  type WebPushPayload,
} from './payload.js';
export { webpush } from './plugin.js';
