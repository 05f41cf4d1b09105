// Published versions of the legal documents and customers' acceptances (Prisma: none of it is on a
// hot path; the sign-in reads the current versions from the process cache, index.ts).
import "server-only";
import { isUuid } from "@/lib/formats";
import { getDb, Prisma, withTransaction, type Tx } from "@/lib/db";
import type { DocumentKind, PublishInput } from "./legal.schema";

export { withTransaction };

/** A version without its body: what the cache and the lists hold. */
export interface VersionHeader {
  id: string;
  kind: string;
  version: number;
  title: string;
  effectiveAt: Date;
  requiresAcceptance: boolean;
  publishedAt: Date;
}
export interface DocumentRow extends VersionHeader {
  body: string;
}

const HEADER = { id: true, kind: true, version: true, title: true, effectiveAt: true, requiresAcceptance: true, publishedAt: true } as const;

export async function listVersionHeaders(kind?: DocumentKind): Promise<VersionHeader[]> {
  return (await getDb()).legalDocument.findMany({ where: kind ? { kind } : {}, select: HEADER, orderBy: [{ kind: "asc" }, { version: "desc" }] });
}

export async function findDocumentRow(kind: DocumentKind, version: number): Promise<DocumentRow | null> {
  return (await getDb()).legalDocument.findUnique({ where: { kind_version: { kind, version } }, select: { ...HEADER, body: true } });
}

/** The next version number of `kind`; two publications at once: the unique index refuses one. */
export async function insertDocumentRow(input: PublishInput, publishedBy: string, tx: Tx): Promise<DocumentRow> {
  const last = await tx.legalDocument.findFirst({ where: { kind: input.kind }, select: { version: true }, orderBy: { version: "desc" } });
  return tx.legalDocument.create({ data: { ...input, version: (last?.version ?? 0) + 1, publishedBy: isUuid(publishedBy) ? publishedBy : null }, select: { ...HEADER, body: true } });
}

export function isDuplicateVersion(e: unknown): boolean {
  return e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002";
}

/** Which of these versions the account has accepted (one query). */
export async function acceptedAmong(userId: string, documentIds: string[]): Promise<Set<string>> {
  if (!isUuid(userId) || documentIds.length === 0) return new Set();
  const rows = await (await getDb()).legalAcceptance.findMany({ where: { userId, documentId: { in: documentIds } }, select: { documentId: true } });
  return new Set(rows.map((r) => r.documentId));
}

export async function insertAcceptances(userId: string, documentIds: string[], at: Date, tx: Tx): Promise<void> {
  await tx.legalAcceptance.createMany({ data: documentIds.map((documentId) => ({ userId, documentId, acceptedAt: at })), skipDuplicates: true });
}

export async function acceptanceRows(userId: string): Promise<{ kind: string; version: number; title: string; acceptedAt: Date }[]> {
  if (!isUuid(userId)) return [];
  const rows = await (await getDb()).legalAcceptance.findMany({
    where: { userId },
    select: { acceptedAt: true, document: { select: { kind: true, version: true, title: true } } },
    orderBy: { acceptedAt: "desc" },
  });
  return rows.map((r) => ({ ...r.document, acceptedAt: r.acceptedAt }));
}
