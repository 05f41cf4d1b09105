// Processing purposes (GDPR art. 5(1)(b), 6(1)): defined by administrators, each with a stable key,
// a legal basis, the data categories it covers, its retention, and versions of its text. Publishing
// a new text adds a version; earlier ones stay, since every consent names the version it was given to.
import "server-only";
import { fieldErrorsOf, type InputIssue } from "@/lib/errors";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { assertPermission, type Actor } from "@/lib/users";
import { ConsentError } from "./consents.errors";
import {
  countGivenConsents,
  findPurposeRowByKey,
  insertPurpose,
  insertPurposeVersion,
  listPurposeRows,
  listRegistrationPurposeRows,
  lockPurposeRowByKey,
  updatePurposeRow,
  withTransaction,
  type PurposeChanges,
  type PurposeRow,
} from "./consents.repo";
import { purposeInputSchema, purposeKeySchema, purposeTextSchema, purposeUpdateSchema, type LegalBasis, type PurposeInput, type PurposeUpdateInput } from "./consents.schema";

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
  /** Offered, unticked, on the registration form (a purpose based on consent only). */
  offerAtRegistration: boolean;
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
    offerAtRegistration: row.offerAtRegistration,
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
      { actor: { type: "admin", id: actor.id }, action: "purpose.created", target: { type: "purpose", id: p.key }, result: "success", context: ctx, details: { name: p.name, legalBasis: p.legalBasis, dataCategories: p.dataCategories, retention: p.retention, offerAtRegistration: p.offerAtRegistration, version: 1 } },
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

const EDITABLE = ["name", "legalBasis", "dataCategories", "retention", "thirdParty", "offerAtRegistration"] as const;

function sameValue(a: unknown, b: unknown): boolean {
  return Array.isArray(a) && Array.isArray(b) ? a.length === b.length && a.every((v, i) => v === b[i]) : a === b;
}

/**
 * What a change widens of the use people consented to: data categories added, a third party named
 * or replaced, the retention changed. GDPR art. 7 and 4(11): consent is to a specific use; a wider
 * one needs a new consent, so it cannot be slipped under the consents already given.
 */
function wideningChanges(row: Pick<PurposeChanges, "dataCategories" | "thirdParty" | "retention">, p: Required<Pick<PurposeChanges, "dataCategories" | "thirdParty" | "retention">>): ("dataCategories" | "thirdParty" | "retention")[] {
  const out: ("dataCategories" | "thirdParty" | "retention")[] = [];
  if (p.dataCategories.some((c) => !(row.dataCategories ?? []).includes(c))) out.push("dataCategories");
  if (p.thirdParty !== null && p.thirdParty !== row.thirdParty) out.push("thirdParty");
  if (p.retention !== row.retention) out.push("retention");
  return out;
}

/**
 * Administration: edits what a purpose says about itself (never its key; its text changes through
 * publishPurposeVersion, as a new version). While anyone's consent to the purpose stands, the legal
 * basis may not leave consent (GDPR art. 6(1), 7: the basis is fixed before processing and not
 * swapped afterwards) and the use may only narrow (wideningChanges). Audited `purpose.updated`
 * with the changed fields before and after; an edit that changes nothing writes nothing.
 */
export async function updatePurpose(actor: Actor, key: string, input: PurposeUpdateInput, ctx: RequestContext = {}): Promise<PurposeView> {
  assertPermission(actor, "consents:write");
  if (!purposeKeySchema.safeParse(key).success) throw new ConsentError("unknown_purpose", "There is no such purpose.");
  const parsed = purposeUpdateSchema.safeParse(input);
  if (!parsed.success) throw invalid(parsed.error.issues);
  const p = { ...parsed.data, thirdParty: parsed.data.thirdParty ?? null };
  await withTransaction(async (tx) => {
    const row = await lockPurposeRowByKey(key, tx);
    if (!row) throw new ConsentError("unknown_purpose", "There is no such purpose.");
    const changed = EDITABLE.filter((f) => !sameValue(row[f], p[f]));
    if (changed.length === 0) return;
    const widened = row.legalBasis === "consent" ? [...(changed.includes("legalBasis") ? (["legalBasis"] as const) : []), ...wideningChanges(row, p)] : [];
    if (widened.length) {
      const standing = await countGivenConsents(row.id, tx);
      if (standing > 0) {
        const people = standing === 1 ? "1 person has" : `${standing} people have`;
        const field = widened[0]!;
        const rule = field === "legalBasis" ? "its legal basis stays consent" : "what it covers can only narrow (define a new purpose for a wider use)";
        throw new ConsentError("consents_stand", `${people} given consent to this purpose: ${rule} while their consent stands.`, field);
      }
    }
    const changes: PurposeChanges = Object.fromEntries(changed.map((f) => [f, p[f]]));
    await updatePurposeRow(row.id, changes, tx);
    await recordAudit(
      {
        actor: { type: "admin", id: actor.id },
        action: "purpose.updated",
        target: { type: "purpose", id: key },
        result: "success",
        context: ctx,
        details: { changed, before: Object.fromEntries(changed.map((f) => [f, row[f]])), after: changes },
      },
      tx,
    );
  });
  return (await findPurpose(key))!;
}

/** The purposes the registration form offers: based on consent, marked by an administrator, with a text. */
export async function purposesOfferedAtRegistration(): Promise<PurposeView[]> {
  return (await listRegistrationPurposeRows()).map(toView).filter((p): p is PurposeView => p !== null);
}

/** A purpose ticked on the registration form, with the version of its text the form showed. */
// A type, not an interface: it travels in JSON columns (the job's payload, User.pendingConsents).
export type RegistrationConsent = {
  purpose: string;
  version: number;
};

/**
 * Checks the purposes ticked on the registration form before anything is queued: each must be
 * offered there now (so it exists, is based on consent and has a text) and the version ticked must
 * be its current text (GDPR art. 7(2): consent is to the text the person read). Anything else is
 * refused beside the form's purposes, naming no purpose the page did not show.
 */
export async function checkRegistrationConsents(ticked: Record<string, number>): Promise<RegistrationConsent[]> {
  const entries = Object.entries(ticked);
  if (entries.length === 0) return [];
  const offered = new Map((await purposesOfferedAtRegistration()).map((p) => [p.key, p]));
  const out: RegistrationConsent[] = [];
  for (const [key, version] of entries) {
    const purpose = offered.get(key);
    if (!purpose) throw new ConsentError("unknown_purpose", "One of the uses of your data you ticked is not offered here. Reload the page and choose again.", "purposes");
    if (purpose.current.version !== version) {
      throw new ConsentError("version_changed", `The text of ${purpose.name} has changed since the page was loaded. Reload the page to read the new text, and tick it again if you agree.`, "purposes");
    }
    out.push({ purpose: key, version });
  }
  return out;
}
