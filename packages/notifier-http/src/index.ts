export { checkTarget, type TargetCheck } from './check-target.js';
export { httpWebhookSender } from './http-webhook-sender.js';
export {
  type HttpWebhookSenderOptions,
  HttpWebhookSenderOptionsSchema,
  type ResolvedAddress,
  type Resolver,
} from './options.js';
