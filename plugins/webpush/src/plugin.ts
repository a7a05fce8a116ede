import {
  defineOperation,
  definePlugin,
  NOTIFICATION_KINDS,
  type Notification,
  type NotificationResult,
  named,
  PlacetError,
  type PlacetPlugin,
  type PluginContext,
} from '@placet/core/plugin';
import { WebPushConfig, WebPushDeleted, WebPushSubscription, WebPushSubscriptionInput } from './contract.js';
import { checkPushEndpoint } from './endpoint-guard.js';
import {
  type WebPushOptions,
  type WebPushOptionsInput,
  WebPushOptions as WebPushOptionsSchema,
} from './options.js';
import { FALLBACK_SUBJECT, originOf, WebPushService } from './service.js';
import type { SubscriptionRecord } from './subscription-store.js';

const TAG = 'webpush';

const view = (record: SubscriptionRecord): WebPushSubscription => ({
  id: record.id,
  device: record.device,
  endpointOrigin: originOf(record.endpoint),
  createdAt: record.createdAt,
});

/**
 * Web push notifications: `createPlacet({ plugins: [webpush({ publicUrl })] })`. Browsers subscribe
 * through the plugin's routes (`/api/v1/plugins/webpush/…`); the notifier `webpush` sends every
 * notification its users' preferences ask for to all their devices, encrypted (RFC 8291) and signed
 * with the server's VAPID key (RFC 8292). A push only tells: its buttons open the review in the
 * dashboard, where the human answers; nothing is ever decided from a push.
 */
export const webpush = (options: WebPushOptionsInput = {}): PlacetPlugin<WebPushOptions> => {
  const { resolver, ...input } = options;
  const services = new WeakMap<object, WebPushService>();
  const serviceOf = (ctx: PluginContext<WebPushOptions, string>): WebPushService => {
    let service = services.get(ctx);
    if (!service) {
      service = new WebPushService(ctx, resolver);
      services.set(ctx, service);
    }
    return service;
  };
  return definePlugin({
    name: 'webpush',
    version: '0.1.0',
    displayName: 'Web push',
    description: "Push notifications to the browsers of the reviews' humans (RFC 8291, VAPID).",
    options: { schema: WebPushOptionsSchema, input },

    notifiers: [
      {
        name: 'webpush',
        kinds: NOTIFICATION_KINDS,
        // A later push replaces the earlier one (same tag): "answered elsewhere" and "expired" update it.
        defaultEvents: ['review.created', 'review.reminder', 'review.responded', 'review.expired'],
        // The context is the sending instance's: one plugin object may serve several instances.
        send: (notification: Notification, ctx): Promise<NotificationResult> =>
          serviceOf(ctx).send(notification),
      },
    ],

    async init(ctx) {
      const service = serviceOf(ctx);
      await service.keys(); // Generated (or read) now: every process agrees before anything is sent.
      if (service.subject === FALLBACK_SUBJECT) {
        ctx.logger.warn('webpush: set the `subject` option (a mailto: or https: contact for push services)');
      }
    },

    routes: (ctx) => {
      const service = serviceOf(ctx);
      return [
        defineOperation({
          method: 'get',
          path: '/config',
          operationId: 'getConfig',
          summary: 'The VAPID public key browsers subscribe with',
          description:
            'Pass `publicKey` (base64url) as `applicationServerKey` to `pushManager.subscribe()`. A subscription ' +
            'made with another key no longer works: subscribe again when it differs.',
          tag: TAG,
          auth: 'user',
          success: {
            kind: 'json',
            status: 200,
            description: 'The public key.',
            schema: named('WebPushConfig', WebPushConfig),
          },
          errors: [],
          handler: async () => ({ publicKey: (await service.keys()).publicKey }),
        }),
        defineOperation({
          method: 'post',
          path: '/subscriptions',
          operationId: 'subscribe',
          summary: "Subscribes one of the caller's browsers to web push",
          description:
            'The body is `PushSubscription.toJSON()` with an optional `device` label. Subscribing the same ' +
            'endpoint again updates that subscription. The endpoint must be a public https push service.',
          tag: TAG,
          auth: 'user',
          body: {
            kind: 'json',
            schema: named('WebPushSubscriptionInput', WebPushSubscriptionInput),
          } as const,
          success: {
            kind: 'json',
            status: 201,
            description: 'The subscription (without its endpoint path and keys).',
            schema: named('WebPushSubscription', WebPushSubscription),
          },
          errors: ['VALIDATION_FAILED'],
          handler: async ({ principal, body }) => {
            const check = await checkPushEndpoint(body.endpoint, service.guard);
            if (!check.ok) {
              throw new PlacetError('VALIDATION_FAILED', `Validation failed: endpoint: ${check.reason}`, {
                issues: [{ path: 'endpoint', message: `not a public https push service (${check.reason})` }],
              });
            }
            const record = await service.subscribe(principal.userId, {
              endpoint: body.endpoint,
              keys: body.keys,
              expirationTime: body.expirationTime ?? null,
              device: body.device ? body.device : null,
            });
            return view(record);
          },
        }),
        defineOperation({
          method: 'get',
          path: '/subscriptions',
          operationId: 'listSubscriptions',
          summary: "The caller's subscribed browsers",
          tag: TAG,
          auth: 'user',
          success: {
            kind: 'json',
            status: 200,
            description: 'Oldest first.',
            schema: named('WebPushSubscription', WebPushSubscription),
            list: true,
          },
          errors: [],
          handler: async ({ principal }) => (await service.subscriptions.list(principal.userId)).map(view),
        }),
        defineOperation({
          method: 'delete',
          path: '/subscriptions/:id',
          operationId: 'unsubscribe',
          summary: "Removes one of the caller's subscriptions",
          tag: TAG,
          auth: 'user',
          params: { id: 'The subscription id' },
          success: {
            kind: 'json',
            status: 200,
            description: 'Removed.',
            schema: named('WebPushDeleted', WebPushDeleted),
          },
          errors: ['NOT_FOUND'],
          handler: async ({ principal, params }) => {
            if (!(await service.subscriptions.remove(principal.userId, params.id ?? '')))
              throw new PlacetError('NOT_FOUND', 'Subscription not found');
            return { deleted: true as const };
          },
        }),
      ];
    },
  });
};
