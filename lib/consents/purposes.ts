// Processing purposes (GDPR art. 5(1)(b), 6(1)): defined by administrators, each with a stable key,
// a legal basis, the data categories it covers, its retention, and versions of its text. Publishing
// a new text adds a version; earlier ones stay, since every consent names the version it was given to.
import "server-only";
import { fieldErrorsOf, type InputIssue } from "@/lib/errors";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { assertPermission, type Actor } from "@/lib/users";
import { ConsentError } from "./consents.errors";
import { insertPurpose, insertPurposeVersion, listPurposeRows, findPurposeRowByKey, withTransaction, type PurposeRow } from "./consents.repo";
import { purposeInputSchema, purposeKeySchema, purposeTextSchema, type LegalBasis, type PurposeInput } from "./consents.schema";

export interface PurposeVersionView {
  version: number;
  text: string;
  publishedAt: Date;
}

export interface PurposeView {
  key: string;
  name: string;
  legalBasis: LegalBasis;
  dataCategories: string[];
  retention: string;
  thirdParty: string | null;
  /** The newest version: what people are asked to consent to now. */
  current: PurposeVersionView;
  /** Every version, newest first. */
  versions: PurposeVersionView[];
  createdAt: Date;
}

/** The view of a purpose row; null for a row without a version (every purpose is created with its first). */
function toView(row: PurposeRow): PurposeView | null {
  const versions = row.versions.map((v) => ({ version: v.version, text: v.text, publishedAt: v.createdAt }));
  const [current] = versions;
  if (!current) return null;
  return {
    key: row.key,
    name: row.name,
    legalBasis: row.legalBasis as LegalBasis,
    dataCategories: row.dataCategories,
    retention: row.retention,
    thirdParty: row.thirdParty,
    current,
    versions,
    createdAt: row.createdAt,
  };
}

/** Every purpose with its versions, oldest purpose first: the portal, the consent API. */
export async function listPurposes(): Promise<PurposeView[]> {
  return (await listPurposeRows()).map(toView).filter((p): p is PurposeView => p !== null);
}

/** The purpose of a key, or null (a malformed key is simply unknown). */
export async function findPurpose(key: string): Promise<PurposeView | null> {
  if (!purposeKeySchema.safeParse(key).success) return null;
  const row = await findPurposeRowByKey(key);
  return row ? toView(row) : null;
}

/** Administration: the console's list. */
export async function listPurposesForAdmin(actor: Actor): Promise<PurposeView[]> {
  assertPermission(actor, "consents:read");
  return listPurposes();
}

function invalid(issues: readonly InputIssue[]): ConsentError {
  const fieldErrors = fieldErrorsOf(issues);
  const [field, message] = Object.entries(fieldErrors)[0] ?? ["form", "Invalid input."];
  return new ConsentError("invalid_input", message, field, { fieldErrors });
}

/** Administration: a new purpose with the first version of its text. */
export async function createPurpose(actor: Actor, input: PurposeInput, ctx: RequestContext = {}): Promise<PurposeView> {
  assertPermission(actor, "consents:write");
  const parsed = purposeInputSchema.safeParse(input);
  if (!parsed.success) throw invalid(parsed.error.issues);
  const p = parsed.data;
  const row = await withTransaction(async (tx) => {
    const created = await insertPurpose({ ...p, thirdParty: p.thirdParty ?? null }, tx);
    if (!created) throw new ConsentError("duplicate_key", `A purpose with the key ${p.key} exists already.`, "key");
    await recordAudit(
      { actor: { type: "admin", id: actor.id }, action: "purpose.created", target: { type: "purpose", id: p.key }, result: "success", context: ctx, details: { name: p.name, legalBasis: p.legalBasis, dataCategories: p.dataCategories, retention: p.retention, version: 1 } },
      tx,
    );
    return created;
  });
  return toView(row)!;
}

/** Administration: publishes a new version of a purpose's text; earlier versions stay as they were. */
export async function publishPurposeVersion(actor: Actor, key: string, text: string, ctx: RequestContext = {}): Promise<PurposeView> {
  assertPermission(actor, "consents:write");
  const parsed = purposeTextSchema.safeParse(text);
  if (!parsed.success) throw new ConsentError("invalid_input", parsed.error.issues[0]?.message ?? "Invalid text.", "text");
  if (!purposeKeySchema.safeParse(key).success) throw new ConsentError("unknown_purpose", "There is no such purpose.");
  await withTransaction(async (tx) => {
    const published = await insertPurposeVersion(key, parsed.data, tx);
    if (!published) throw new ConsentError("unknown_purpose", "There is no such purpose.");
    await recordAudit({ actor: { type: "admin", id: actor.id }, action: "purpose.version_published", target: { type: "purpose", id: key }, result: "success", context: ctx, details: { version: published.version } }, tx);
  });
  return (await findPurpose(key))!;
}
