// Webhook subscriptions (docs/architecture.md, "Webhooks"): URLs that receive identity events of
// the types they chose, signed the Standard Webhooks way, delivered by the outbox with retries,
// disabled after a long failing run, replayable. Loading this module registers the fan-out sink
// (lib/events) and the delivery queue (lib/outbox).
import "server-only";

export { WebhookError, type WebhookErrorCode } from "./webhooks.errors";
export {
  WEBHOOKS_API_SCOPE,
  ROTATION_OVERLAP_MS,
  checkWebhookUrl,
  createSubscription,
  deleteSubscription,
  getSubscription,
  listSubscriptions,
  rotateSubscriptionSecret,
  setSubscriptionEnabled,
  updateSubscription,
  type SubscriptionInput,
  type SubscriptionPatch,
  type SubscriptionView,
  type WebhookPrincipal,
} from "./subscriptions";
export { listDeliveries, replayDelivery, replaySince, sendTestEvent, EVENT_RETENTION_DAYS, MAX_REPLAY_EVENTS, TEST_EVENT_TYPE, type DeliveryView } from "./replay";
export { deliverDueWebhooks, fanOut, webhookDeliveryQueue, MIN_FAILURES_BEFORE_DISABLE, REQUEST_TIMEOUT_MS, WEBHOOK_RETRY_POLICY, type WebhookQueueOptions } from "./delivery";
export { syncConfiguredWebhook, CONFIG_SOURCE, type ConfigSyncOutcome } from "./config-subscription";
export { SECRET_PREFIX, generateWebhookSecret, secretFromTextKey, signatureHeader, signatureOf } from "./signing";
export { IDENTITY_EVENT_TYPES } from "@/lib/events";
export { deleteDeliveriesOfPerson as eraseWebhookDeliveriesOf } from "./webhooks.repo";
