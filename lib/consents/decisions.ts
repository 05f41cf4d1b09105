// A person's consent per purpose: given and withdrawn as easily (GDPR art. 7(3)), each decision
// recorded as a signed receipt in the append-only ledger (receipts.ts) in the same transaction as
// the current state and the audit event.
import "server-only";
import crypto from "node:crypto";
import { recordAudit, type AuditActor, type RequestContext } from "@/lib/audit";
import { emitIdentityEvent } from "@/lib/events";
import { isUuid } from "@/lib/formats";
import { kickOutbox } from "@/lib/outbox";
import { ConsentError } from "./consents.errors";
import { deleteReceiptsOf, findDecisionRows, findPurposeRowByKey, findReceiptRow, findReceiptRows, insertReceipt, lockActiveAccount, sharePurposeRow, upsertDecision, withTransaction, type ReceiptRow, type Tx } from "./consents.repo";
import { consentDecisionSchema, type ConsentDecisionInput } from "./consents.schema";
import { listPurposes, type PurposeView, type RegistrationConsent } from "./purposes";
import { buildReceipt, signReceipt, type CollectionMethod, type ConsentReceipt } from "./receipts";

export interface ConsentDecision {
  purpose: string;
  status: "given" | "withdrawn";
  /** The version of the text the decision was made about. */
  version: number;
  at: Date;
  collectionMethod: CollectionMethod;
  collectorClientId: string | null;
  /** The receipt of the decision; null for a withdrawal of what was never given (nothing recorded). */
  receiptId: string | null;
}

export interface DecisionContext {
  method: CollectionMethod;
  /** The application that collected the decision (the consent API). */
  collector?: { clientId: string; name: string };
  context?: RequestContext;
  now?: Date;
}

export interface DecisionOutcome {
  decision: ConsentDecision;
  /** The new receipt; null when nothing changed (the same decision again makes no receipt). */
  receipt: StoredReceipt | null;
}

export interface StoredReceipt {
  id: string;
  purpose: string;
  version: number;
  action: "given" | "withdrawn";
  at: Date;
  collectorClientId: string | null;
  /** The compact JWS. */
  jws: string;
  /** Its payload, decoded (the JWS is what proves it). */
  receipt: ConsentReceipt;
}

function toDecision(row: Awaited<ReturnType<typeof findDecisionRows>>[number]): ConsentDecision {
  return {
    purpose: row.purpose.key,
    status: row.status as ConsentDecision["status"],
    version: row.version.version,
    at: row.updatedAt,
    collectionMethod: row.collectionMethod as CollectionMethod,
    collectorClientId: row.collectorClientId,
    receiptId: row.receiptId,
  };
}

function decodePayload(jws: string): ConsentReceipt {
  return JSON.parse(Buffer.from(jws.split(".")[1] ?? "", "base64url").toString("utf8")) as ConsentReceipt;
}

function toStored(row: ReceiptRow): StoredReceipt {
  return { id: row.id, purpose: row.purposeKey, version: row.purposeVersion, action: row.action as StoredReceipt["action"], at: row.createdAt, collectorClientId: row.collectorClientId, jws: row.jws, receipt: decodePayload(row.jws) };
}

/** The person's decisions, one per purpose they decided about. */
export async function consentDecisionsOf(userId: string): Promise<ConsentDecision[]> {
  if (!isUuid(userId)) return [];
  return (await findDecisionRows(userId)).map(toDecision);
}

/** Each purpose with the person's decision (null: never decided), for the portal. */
export async function purposesWithDecisions(userId: string): Promise<{ purpose: PurposeView; decision: ConsentDecision | null }[]> {
  const [purposes, decisions] = await Promise.all([listPurposes(), consentDecisionsOf(userId)]);
  return purposes.map((purpose) => ({ purpose, decision: decisions.find((d) => d.purpose === purpose.key) ?? null }));
}

/** Gives consent to a purpose, for the version shown (the current one when none is named). */
export function giveConsent(userId: string, input: ConsentDecisionInput, how: DecisionContext): Promise<DecisionOutcome> {
  return decide(userId, input, "given", how);
}

/** Withdraws consent to a purpose: one step, like giving it (GDPR art. 7(3)). */
export function withdrawConsent(userId: string, input: ConsentDecisionInput, how: DecisionContext): Promise<DecisionOutcome> {
  return decide(userId, input, "withdrawn", how);
}

async function decide(userId: string, input: ConsentDecisionInput, status: "given" | "withdrawn", how: DecisionContext): Promise<DecisionOutcome> {
  const parsed = consentDecisionSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0] ?? { path: [], message: "Invalid input." };
    if (issue.path[0] === "purpose") throw new ConsentError("unknown_purpose", "There is no such purpose.", "purpose");
    throw new ConsentError("invalid_input", `${String(issue.path[0] ?? "body")}: ${issue.message}`, String(issue.path[0] ?? "form"));
  }
  if (!isUuid(userId)) throw new ConsentError("account_unavailable", "The account is not available.");
  const outcome = await withTransaction((tx) => decideIn(tx, userId, parsed.data, status, how));
  // The identity event written with the decision is published once it has committed.
  if (outcome.receipt) kickOutbox();
  return outcome;
}

/**
 * Gives consent, at the creation of an account, to the purposes its registration form offered and
 * the person ticked (lib/users' registration job, in the transaction that creates the account): a
 * signed receipt each, collection method "registration". The form's check ran when the job was
 * queued (checkRegistrationConsents); a purpose that has since gone, left consent or lost that
 * version is skipped rather than failing the account's creation: no consent is the safe outcome.
 * The caller kicks the outbox once the transaction has committed.
 */
export async function giveRegistrationConsents(userId: string, consents: readonly RegistrationConsent[], how: Omit<DecisionContext, "method" | "collector">, tx: Tx): Promise<StoredReceipt[]> {
  const receipts: StoredReceipt[] = [];
  for (const c of consents) {
    const parsed = consentDecisionSchema.safeParse(c);
    if (!parsed.success) continue;
    try {
      const { receipt } = await decideIn(tx, userId, parsed.data, "given", { ...how, method: "registration" });
      if (receipt) receipts.push(receipt);
    } catch (e) {
      // Thrown before any statement failed, so the transaction is intact.
      if (e instanceof ConsentError && (e.code === "unknown_purpose" || e.code === "unknown_version" || e.code === "not_consent_based")) continue;
      throw e;
    }
  }
  return receipts;
}

async function decideIn(tx: Tx, userId: string, input: { purpose: string; version?: number }, status: "given" | "withdrawn", how: DecisionContext): Promise<DecisionOutcome> {
  const { purpose: key, version: requested } = input;
  const now = how.now ?? new Date();
  if (!(await lockActiveAccount(userId, tx))) throw new ConsentError("account_unavailable", "The account is not available.");
  // Shared lock of the purpose: an edit of its legal basis (updatePurpose) waits for this decision, or this one for the edit.
  await sharePurposeRow(key, tx);
  const purpose = await findPurposeRowByKey(key, tx);
  if (!purpose || purpose.versions.length === 0) throw new ConsentError("unknown_purpose", `There is no purpose ${key}.`, "purpose");
  if (purpose.legalBasis !== "consent") throw new ConsentError("not_consent_based", `${purpose.name} is not based on consent: there is nothing to give or withdraw.`, "purpose");
  const existing = (await findDecisionRows(userId, tx)).find((d) => d.purposeId === purpose.id);
  // A withdrawal without a version withdraws what was given: its receipt names that text, not a newer one.
  const given = status === "withdrawn" && requested === undefined && existing ? purpose.versions.find((v) => v.id === existing.versionId) : undefined;
  const version = given ?? (requested === undefined ? purpose.versions[0] : purpose.versions.find((v) => v.version === requested));
  if (!version) throw new ConsentError("unknown_version", `${purpose.name} has no version ${requested}.`, "version");
  // The same decision again changes nothing and signs nothing; withdrawing what was never given neither.
  if (existing && existing.status === status && (status === "withdrawn" || existing.versionId === version.id)) return { decision: toDecision(existing), receipt: null };
  if (!existing && status === "withdrawn") {
    return { decision: { purpose: key, status, version: version.version, at: now, collectionMethod: how.method, collectorClientId: how.collector?.clientId ?? null, receiptId: null }, receipt: null };
  }
  const receipt = await record(tx, userId, purpose, version, status, how, now);
  const rows = await findDecisionRows(userId, tx);
  return { decision: toDecision(rows.find((d) => d.purposeId === purpose.id)!), receipt };
}

async function record(
  tx: Tx,
  userId: string,
  purpose: NonNullable<Awaited<ReturnType<typeof findPurposeRowByKey>>>,
  version: { id: string; version: number; text: string },
  status: "given" | "withdrawn",
  how: DecisionContext,
  now: Date,
): Promise<StoredReceipt> {
  const id = crypto.randomUUID();
  const receipt = buildReceipt({ userId, action: status, at: now, method: how.method, collector: how.collector, purpose, version }, id);
  const jws = await signReceipt(receipt, tx);
  const collectorClientId = how.collector?.clientId ?? null;
  await insertReceipt({ id, userId, purposeKey: purpose.key, purposeVersion: version.version, action: status, collectionMethod: how.method, collectorClientId, jws, createdAt: now }, tx);
  await upsertDecision({ userId, purposeId: purpose.id, versionId: version.id, status, collectionMethod: how.method, collectorClientId, receiptId: id, at: now }, tx);
  const actor: AuditActor = how.collector ? { type: "system", id: how.collector.clientId } : { type: "user", id: userId };
  await recordAudit(
    {
      actor,
      action: status === "given" ? "purpose_consent.given" : "purpose_consent.withdrawn",
      target: { type: "user", id: userId },
      result: "success",
      context: how.context,
      details: { purpose: purpose.key, purposeName: purpose.name, version: version.version, method: how.method, receiptId: id, ...(how.collector ? { clientId: how.collector.clientId } : {}) },
    },
    tx,
  );
  await emitIdentityEvent(
    { type: status === "given" ? "user.consent_given" : "user.consent_withdrawn", userId, data: { purpose: purpose.key, version: version.version, receiptId: id, ...(collectorClientId ? { collectorClientId } : {}) } },
    tx,
  );
  return { id, purpose: purpose.key, version: version.version, action: status, at: now, collectorClientId, jws, receipt };
}

/** The person's receipts, newest first (at most 200). */
export async function receiptsOf(userId: string): Promise<StoredReceipt[]> {
  if (!isUuid(userId)) return [];
  return (await findReceiptRows(userId)).map(toStored);
}

/** One of the person's receipts; another person's, or none, is receipt_not_found. */
export async function receiptOf(userId: string, id: string): Promise<StoredReceipt> {
  const row = isUuid(userId) && isUuid(id) ? await findReceiptRow(userId, id) : null;
  if (!row) throw new ConsentError("receipt_not_found", "There is no such receipt.");
  return toStored(row);
}

/** Part of erasing an account (in its transaction): the ledger forgets the person's receipts. Decisions go with the User row's cascade. */
export function eraseConsentReceiptsOf(userId: string, tx: Tx): Promise<number> {
  return deleteReceiptsOf(userId, tx);
}

/** The export's view (lib/privacy): decisions and receipts. */
export async function purposeConsentsForExport(userId: string): Promise<{ decisions: ConsentDecision[]; receipts: { id: string; purpose: string; version: number; action: string; at: Date; jws: string }[] }> {
  // Every receipt, not the page the portal and the API show.
  const [decisions, receipts] = await Promise.all([consentDecisionsOf(userId), isUuid(userId) ? findReceiptRows(userId, null).then((rows) => rows.map(toStored)) : []]);
  return { decisions, receipts: receipts.map(({ id, purpose, version, action, at, jws }) => ({ id, purpose, version, action, at, jws })) };
}

