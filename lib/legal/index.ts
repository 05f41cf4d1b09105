// Versioned legal documents: the terms of service and the privacy notice. Administrators publish
// versions (never edited or deleted, so every acceptance points at the text that was accepted);
// the current version of a document is the newest one whose effective date has come. A version
// that requires acceptance is accepted by customers at registration or at their next sign-in.
// The current versions come from a process cache (lib/process, invalidated on every node by a
// publication), so asking whether a customer has something to accept costs one query, and none
// while no current version requires acceptance.
import "server-only";
import { fieldErrorsOf } from "@/lib/errors";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { processCache } from "@/lib/process";
import { assertPermission, type Actor } from "@/lib/users";
import type { Tx } from "@/lib/db";
import { acceptanceRows, acceptedAmong, findDocumentRow, insertAcceptances, insertDocumentRow, isDuplicateVersion, listVersionHeaders, withTransaction, type DocumentRow, type VersionHeader } from "./legal.repo";
import { DOCUMENT_KINDS, publishSchema, type DocumentKind, type PublishInput } from "./legal.schema";
import { LegalError } from "./legal.errors";

export { LegalError, type LegalErrorCode } from "./legal.errors";
export { DOCUMENT_KINDS, DOCUMENT_NAMES, DOCUMENT_PATHS, isDocumentKind, type DocumentKind, type PublishInput } from "./legal.schema";
export { parseMarkdown, type Block, type Inline } from "./markdown";
export type { VersionHeader, DocumentRow as LegalDocument };

/** Every version's header (no body): a few rows per deployment. The TTL also lets a future effective date arrive. */
const versions = processCache<VersionHeader[]>("legal.versions", { ttlMs: 30_000, load: () => listVersionHeaders() });

/** Tests: forget this process's copy. */
export function clearLegalCache(): void {
  versions.clear();
}

function currentOf(all: VersionHeader[], kind: DocumentKind, now: Date): VersionHeader | null {
  return all.filter((v) => v.kind === kind && v.effectiveAt <= now).sort((a, b) => b.version - a.version)[0] ?? null;
}

/** The version of each document in force now (null: none published or none effective yet); no query while cached. */
export async function currentVersions(now = new Date()): Promise<Record<DocumentKind, VersionHeader | null>> {
  const all = await versions.get();
  return { terms: currentOf(all, "terms", now), privacy: currentOf(all, "privacy", now) };
}

/** The current versions a customer must accept (at registration, or before a sign-in completes). */
export async function versionsRequiringAcceptance(now = new Date()): Promise<VersionHeader[]> {
  const current = await currentVersions(now);
  return DOCUMENT_KINDS.map((k) => current[k]).filter((v): v is VersionHeader => Boolean(v?.requiresAcceptance));
}

/** What `userId` still has to accept: the cached current versions, and one query only if some require acceptance. */
export async function pendingAcceptances(userId: string, now = new Date()): Promise<VersionHeader[]> {
  const required = await versionsRequiringAcceptance(now);
  if (required.length === 0) return [];
  const accepted = await acceptedAmong(userId, required.map((v) => v.id));
  return required.filter((v) => !accepted.has(v.id));
}

/** Every version of a document, newest first (public). */
export async function listVersions(kind: DocumentKind): Promise<VersionHeader[]> {
  return (await versions.get()).filter((v) => v.kind === kind).sort((a, b) => b.version - a.version);
}

/** A version with its body: the one asked for, or the current one; null when there is none (public). */
export async function getDocument(kind: DocumentKind, version?: number, now = new Date()): Promise<DocumentRow | null> {
  const wanted = version ?? currentOf(await versions.get(), kind, now)?.version;
  return wanted ? findDocumentRow(kind, wanted) : null;
}

/** Publishes the next version of a document (legal:write); audited; every node's cache forgets the list. */
export async function publishDocument(actor: Actor, input: PublishInput, ctx: RequestContext = {}): Promise<DocumentRow> {
  assertPermission(actor, "legal:write");
  const parsed = publishSchema.safeParse(input);
  if (!parsed.success) {
    const fieldErrors = fieldErrorsOf(parsed.error.issues);
    throw new LegalError("invalid_input", "Check the document's fields.", undefined, { fieldErrors });
  }
  try {
    const row = await withTransaction(async (tx) => {
      const doc = await insertDocumentRow(parsed.data, actor.id, tx);
      await recordAudit(
        { actor: { type: "admin", id: actor.id }, action: "legal.document_published", target: { type: "legal_document", id: doc.id }, result: "success", context: ctx, details: { kind: doc.kind, version: doc.version, effectiveAt: doc.effectiveAt.toISOString(), requiresAcceptance: doc.requiresAcceptance } },
        tx,
      );
      return doc;
    });
    versions.invalidate();
    return row;
  } catch (e) {
    if (isDuplicateVersion(e)) throw new LegalError("invalid_input", "Another version was published at the same moment. Publish again.");
    throw e;
  }
}

/**
 * Records that `userId` accepted these versions (ids of current versions only: accepting an old
 * or unknown one is `not_current`, nothing recorded), with one audit event naming them. In the
 * caller's transaction when given one (a registration).
 */
export async function acceptDocuments(userId: string, documentIds: string[], ctx: RequestContext = {}, opts: { tx?: Tx; now?: Date } = {}): Promise<VersionHeader[]> {
  const now = opts.now ?? new Date();
  const current = await currentVersions(now);
  const byId = new Map(DOCUMENT_KINDS.map((k) => current[k]).filter((v): v is VersionHeader => Boolean(v)).map((v) => [v.id, v]));
  const accepted = [...new Set(documentIds)].map((id) => byId.get(id));
  if (accepted.length === 0 || accepted.some((v) => !v)) throw new LegalError("not_current", "These terms have changed since the page was shown. Read the current version and accept it.");
  const docs = accepted as VersionHeader[];
  const write = async (tx: Tx) => {
    await insertAcceptances(userId, docs.map((v) => v.id), now, tx);
    await recordAudit(
      { actor: { type: "user", id: userId }, action: "legal.accepted", target: { type: "user", id: userId }, result: "success", context: ctx, details: { documents: docs.map((v) => ({ kind: v.kind, version: v.version })) } },
      tx,
    );
  };
  if (opts.tx) await write(opts.tx);
  else await withTransaction(write);
  return docs;
}

/**
 * The versions a registration form showed, checked when it is posted: each must still be current,
 * and every current version requiring acceptance must be among them (else `not_current`: the page
 * is out of date). Returns the ids to record once the account exists.
 */
export async function checkShownVersions(documentIds: string[], now = new Date()): Promise<string[]> {
  const current = await currentVersions(now);
  const ids = new Set(DOCUMENT_KINDS.map((k) => current[k]?.id).filter((id): id is string => Boolean(id)));
  const shown = [...new Set(documentIds)];
  const required = (await versionsRequiringAcceptance(now)).map((v) => v.id);
  if (shown.some((id) => !ids.has(id)) || required.some((id) => !shown.includes(id))) {
    throw new LegalError("not_current", "Our terms changed while this page was open. Reload the page, read them and accept them.", "acceptTerms");
  }
  return shown;
}

/**
 * A new account's acceptances, written by the registration worker in its transaction: the ids were
 * checked when the form was posted (checkShownVersions) and versions are never deleted, so they
 * are recorded as given, even if a newer version was published in between (that one is asked for
 * at the first sign-in).
 */
export async function recordRegistrationAcceptances(userId: string, documentIds: string[], at: Date, ctx: RequestContext, tx: Tx): Promise<void> {
  if (documentIds.length === 0) return;
  const all = await versions.get();
  const docs = all.filter((v) => documentIds.includes(v.id));
  await insertAcceptances(userId, documentIds, at, tx);
  await recordAudit(
    { actor: { type: "user", id: userId }, action: "legal.accepted", target: { type: "user", id: userId }, result: "success", context: ctx, details: { documents: docs.map((v) => ({ kind: v.kind, version: v.version })), at: "registration" } },
    tx,
  );
}

/** The customer's copy of their data (lib/privacy): every version they accepted, newest first. */
export async function acceptancesForExport(userId: string): Promise<{ document: string; version: number; title: string; acceptedAt: Date }[]> {
  return (await acceptanceRows(userId)).map(({ kind, ...rest }) => ({ document: kind, ...rest }));
}
