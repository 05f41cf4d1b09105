// Webhook subscriptions: who may manage them, what a valid one is, and every change audited
// (webhook.created, .updated, .secret_rotated, .disabled, .enabled, .deleted, .replayed). The
// caller is an administrator (webhooks:read / webhooks:write) or an application of the admin API
// whose token holds portico:webhooks (the scope standing for webhooks:write).
import "server-only";
import { z } from "zod";
import { recordAudit, type AuditActor, type RequestContext } from "@/lib/audit";
import { decryptAtRest, encryptAtRest } from "@/lib/crypto";
import { fieldErrorsOf, PermissionError } from "@/lib/errors";
import { IDENTITY_EVENT_TYPES, isIdentityEventType, type IdentityEventType } from "@/lib/events";
import { isUuid } from "@/lib/formats";
import { checkOutboundUrl, isLocalHost, OutboundRequestError } from "@/lib/outbound";
import { assertPermission, type Actor } from "@/lib/users";
import { generateWebhookSecret } from "./signing";
import { WebhookError } from "./webhooks.errors";
import {
  deleteSubscriptionRow,
  failPendingDeliveries,
  findSubscription,
  insertSubscription,
  listSubscriptionRows,
  lockSubscription,
  recentFailureCounts,
  updateSubscriptionRow,
  withTransaction,
  type WebhookSubscription,
} from "./webhooks.repo";

/** The admin API scope (lib/applications ADMIN_API_SCOPES: it stands for webhooks:write). */
export const WEBHOOKS_API_SCOPE = "portico:webhooks";
/** Sealed secrets are bound to this purpose (lib/crypto). */
export const SECRET_PURPOSE = "webhook-secret";
/** After a rotation the previous secret still signs this long (receivers switch keys meanwhile). */
export const ROTATION_OVERLAP_MS = 24 * 3600_000;

/** Who manages subscriptions: an administrator in the console, or an admin API client. */
export type WebhookPrincipal = { admin: Actor } | { client: { clientId: string; scopes: readonly string[] } };

export function assertCan(principal: WebhookPrincipal, what: "read" | "write"): void {
  if ("admin" in principal) return assertPermission(principal.admin, what === "read" ? "webhooks:read" : "webhooks:write");
  if (!principal.client.scopes.includes(WEBHOOKS_API_SCOPE)) throw new PermissionError("webhooks:write");
}

export function auditActorOf(principal: WebhookPrincipal): AuditActor {
  return "admin" in principal ? { type: "admin", id: principal.admin.id } : { type: "system", id: principal.client.clientId };
}

function byOf(principal: WebhookPrincipal): string {
  return "admin" in principal ? `admin:${principal.admin.id}` : `client:${principal.client.clientId}`;
}

const eventTypesSchema = z
  .array(z.string({ error: "Each event type must be a string." }), { error: "Choose the event types as a list." })
  .min(1, "Choose at least one event type.")
  .max(IDENTITY_EVENT_TYPES.length, "Too many event types.")
  .refine((types) => types.every(isIdentityEventType), { message: "Choose event types from the catalogue." })
  .transform((types) => [...new Set(types)].sort() as IdentityEventType[]);

const urlSchema = z.string({ error: "Enter the URL." }).trim().min(1, "Enter the URL.").max(2000, "Use at most 2000 characters.");
const descriptionSchema = z.string({ error: "The description must be text." }).trim().max(500, "Use at most 500 characters.");

export const subscriptionInputSchema = z.object({ url: urlSchema, description: descriptionSchema.default(""), eventTypes: eventTypesSchema }).strict();
export const subscriptionPatchSchema = z.object({ url: urlSchema.optional(), description: descriptionSchema.optional(), eventTypes: eventTypesSchema.optional(), enabled: z.boolean({ error: "enabled must be true or false." }).optional() }).strict();
export type SubscriptionInput = z.input<typeof subscriptionInputSchema>;
export type SubscriptionPatch = z.input<typeof subscriptionPatchSchema>;

function parse<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const fieldErrors = fieldErrorsOf(parsed.error.issues);
    const [field, message] = Object.entries(fieldErrors)[0] ?? ["form", "Check the input."];
    throw new WebhookError("invalid_input", message, field, { fieldErrors });
  }
  return parsed.data;
}

/** https, or http only where the outbound policy lets Portico reach loopback or private addresses. */
export function checkWebhookUrl(raw: string): string {
  let url: URL;
  try {
    url = checkOutboundUrl(raw);
  } catch (e) {
    if (e instanceof OutboundRequestError) throw new WebhookError("invalid_input", e.code === "outbound.forbidden_address" ? `Portico may not call this address: ${e.message}.` : "Enter an https:// URL without credentials.", "url");
    throw e;
  }
  if (url.protocol === "http:") {
    // Plain http is for a receiver on this machine or the deployment's own network (development, tests).
    if (!isLocalHost(url.hostname)) throw new WebhookError("invalid_input", "Use an https:// URL (plain http only for a receiver the outbound policy lets Portico reach on a loopback or private address).", "url");
  }
  if (url.hash) throw new WebhookError("invalid_input", "The URL may not have a #fragment.", "url");
  return url.toString();
}

export interface SubscriptionView {
  id: string;
  url: string;
  description: string;
  eventTypes: string[];
  /** "console" (an administrator), "api" (an admin API client), "config" (RISK_ALERT_WEBHOOK_*: read-only). */
  source: string;
  readOnly: boolean;
  enabled: boolean;
  disabledReason: string | null;
  disabledAt: string | null;
  consecutiveFailures: number;
  failingSince: string | null;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  /** Until when the previous secret still signs (after a rotation). */
  previousSecretValidUntil: string | null;
  createdBy: string | null;
  updatedBy: string | null;
  createdAt: string;
  updatedAt: string;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toView(row: WebhookSubscription, now = new Date()): SubscriptionView {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: row.eventTypes,
    source: row.source,
    readOnly: row.source === "config",
    enabled: row.enabled,
    disabledReason: row.disabledReason,
    disabledAt: iso(row.disabledAt),
    consecutiveFailures: row.consecutiveFailures,
    failingSince: iso(row.failingSince),
    lastSuccessAt: iso(row.lastSuccessAt),
    lastFailureAt: iso(row.lastFailureAt),
    previousSecretValidUntil: row.previousSecret && row.previousSecretExpiresAt && row.previousSecretExpiresAt > now ? row.previousSecretExpiresAt.toISOString() : null,
    createdBy: row.createdBy,
    updatedBy: row.updatedBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The secrets that sign a delivery now: the current one, and the previous one during its overlap. */
export function signingSecretsOf(row: Pick<WebhookSubscription, "secret" | "previousSecret" | "previousSecretExpiresAt">, now = new Date()): string[] {
  const secrets = [decryptAtRest(row.secret, SECRET_PURPOSE)];
  if (row.previousSecret && row.previousSecretExpiresAt && row.previousSecretExpiresAt > now) secrets.push(decryptAtRest(row.previousSecret, SECRET_PURPOSE));
  return secrets;
}

export function sealSecret(secret: string): string {
  return encryptAtRest(secret, SECRET_PURPOSE);
}

export async function listSubscriptions(principal: WebhookPrincipal, now = new Date()): Promise<(SubscriptionView & { recentFailures: number })[]> {
  assertCan(principal, "read");
  const [rows, failures] = await Promise.all([listSubscriptionRows(), recentFailureCounts(new Date(now.getTime() - 24 * 3600_000))]);
  return rows.map((r) => ({ ...toView(r, now), recentFailures: failures.get(r.id) ?? 0 }));
}

async function loadRow(id: string): Promise<WebhookSubscription> {
  const row = isUuid(id) ? await findSubscription(id) : null;
  if (!row) throw new WebhookError("not_found", "There is no such webhook subscription.", "id");
  return row;
}

export async function getSubscription(principal: WebhookPrincipal, id: string): Promise<SubscriptionView> {
  assertCan(principal, "read");
  return toView(await loadRow(id));
}

/** Creates a subscription; the secret is in the answer and nowhere else (shown once). */
export async function createSubscription(principal: WebhookPrincipal, input: unknown, ctx: RequestContext): Promise<{ subscription: SubscriptionView; secret: string }> {
  assertCan(principal, "write");
  const data = parse(subscriptionInputSchema, input);
  const url = checkWebhookUrl(data.url);
  const secret = generateWebhookSecret();
  const by = byOf(principal);
  const row = await withTransaction(async (tx) => {
    const created = await insertSubscription({ url, description: data.description, eventTypes: data.eventTypes, secret: sealSecret(secret), source: "admin" in principal ? "console" : "api", createdBy: by, updatedBy: by }, tx);
    await recordAudit({ actor: auditActorOf(principal), action: "webhook.created", target: { type: "webhook", id: created.id }, result: "success", context: ctx, details: { url: created.url, eventTypes: created.eventTypes, ...clientDetails(principal) } }, tx);
    return created;
  });
  return { subscription: toView(row), secret };
}

function clientDetails(principal: WebhookPrincipal): Record<string, string> {
  return "client" in principal ? { clientId: principal.client.clientId } : {};
}

/** Locks the row for a change; the configuration's subscription is not changed here. */
async function lockForChange(id: string, tx: Parameters<typeof lockSubscription>[1], opts: { enabledOnly?: boolean } = {}): Promise<WebhookSubscription> {
  const row = isUuid(id) ? await lockSubscription(id, tx) : null;
  if (!row) throw new WebhookError("not_found", "There is no such webhook subscription.", "id");
  // Its URL, events and secret are the configuration's; switching it off and on again is not.
  if (row.source === "config" && !opts.enabledOnly) throw new WebhookError("read_only", "This subscription comes from the configuration (RISK_ALERT_WEBHOOK_URL): change it there.", "id");
  return row;
}

/** Edits URL, description, event types and the enabled state; each change audited. */
export async function updateSubscription(principal: WebhookPrincipal, id: string, input: unknown, ctx: RequestContext): Promise<SubscriptionView> {
  assertCan(principal, "write");
  const patch = parse(subscriptionPatchSchema, input);
  const url = patch.url !== undefined ? checkWebhookUrl(patch.url) : undefined;
  const by = byOf(principal);
  const row = await withTransaction(async (tx) => {
    const before = await lockForChange(id, tx, { enabledOnly: patch.url === undefined && patch.description === undefined && patch.eventTypes === undefined });
    const changes: Record<string, unknown> = {};
    if (url !== undefined && url !== before.url) changes.url = url;
    if (patch.description !== undefined && patch.description !== before.description) changes.description = patch.description;
    if (patch.eventTypes !== undefined && patch.eventTypes.join(",") !== [...before.eventTypes].sort().join(",")) changes.eventTypes = patch.eventTypes;
    let row = before;
    const actor = auditActorOf(principal);
    if (Object.keys(changes).length) {
      row = await updateSubscriptionRow(id, { ...changes, updatedBy: by }, tx);
      const fields = Object.keys(changes);
      await recordAudit({ actor, action: "webhook.updated", target: { type: "webhook", id }, result: "success", context: ctx, details: { fields, before: Object.fromEntries(fields.map((f) => [f, before[f as keyof WebhookSubscription]])), after: changes, ...clientDetails(principal) } }, tx);
    }
    if (patch.enabled !== undefined && patch.enabled !== before.enabled) {
      row = await setEnabledIn(tx, row, patch.enabled, patch.enabled ? null : "Disabled by an administrator.", by);
      await recordAudit({ actor, action: patch.enabled ? "webhook.enabled" : "webhook.disabled", target: { type: "webhook", id }, result: "success", context: ctx, details: { ...(patch.enabled ? {} : { reason: "manual" }), ...clientDetails(principal) } }, tx);
    }
    return row;
  });
  return toView(row);
}

async function setEnabledIn(tx: Parameters<typeof lockSubscription>[1], row: WebhookSubscription, enabled: boolean, reason: string | null, by: string): Promise<WebhookSubscription> {
  if (!enabled) await failPendingDeliveries(row.id, "subscription disabled", tx);
  // Enabling starts afresh: the failing run that may have disabled it is over.
  return updateSubscriptionRow(row.id, enabled ? { enabled, disabledReason: null, disabledAt: null, consecutiveFailures: 0, failingSince: null, updatedBy: by } : { enabled, disabledReason: reason, disabledAt: new Date(), updatedBy: by }, tx);
}

export function setSubscriptionEnabled(principal: WebhookPrincipal, id: string, enabled: boolean, ctx: RequestContext): Promise<SubscriptionView> {
  return updateSubscription(principal, id, { enabled }, ctx);
}

/** A new secret (shown once); the previous one keeps signing for 24 hours beside it. */
export async function rotateSubscriptionSecret(principal: WebhookPrincipal, id: string, ctx: RequestContext, now = new Date()): Promise<{ subscription: SubscriptionView; secret: string }> {
  assertCan(principal, "write");
  const secret = generateWebhookSecret();
  const row = await withTransaction(async (tx) => {
    const before = await lockForChange(id, tx);
    const expiresAt = new Date(now.getTime() + ROTATION_OVERLAP_MS);
    const row = await updateSubscriptionRow(id, { secret: sealSecret(secret), previousSecret: before.secret, previousSecretExpiresAt: expiresAt, updatedBy: byOf(principal) }, tx);
    await recordAudit({ actor: auditActorOf(principal), action: "webhook.secret_rotated", target: { type: "webhook", id }, result: "success", context: ctx, details: { previousValidUntil: expiresAt.toISOString(), ...clientDetails(principal) } }, tx);
    return row;
  });
  return { subscription: toView(row, now), secret };
}

/** Deletes the subscription and its delivery log. */
export async function deleteSubscription(principal: WebhookPrincipal, id: string, ctx: RequestContext): Promise<void> {
  assertCan(principal, "write");
  await withTransaction(async (tx) => {
    const before = await lockForChange(id, tx);
    await deleteSubscriptionRow(id, tx);
    await recordAudit({ actor: auditActorOf(principal), action: "webhook.deleted", target: { type: "webhook", id }, result: "success", context: ctx, details: { url: before.url, eventTypes: before.eventTypes, ...clientDetails(principal) } }, tx);
  });
}

export { loadRow as loadSubscriptionRow, setEnabledIn };
