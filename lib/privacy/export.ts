// The copy of everything Portico holds about a person (GDPR art. 20, right to data portability):
// one JSON document in the format "portico-export/1", every field described in docs/data-export.md.
// Each domain hands over its part through a read function that selects only safe columns, so no
// secret (password hash, TOTP seed, passkey key, recovery-code or token hash) can reach it.
// Sections for data Portico does not hold yet are absent, not empty: a later version of the
// format adds them and says so in `format`.
import "server-only";
import { listActivity, MAX_ACTIVITY_PAGE_SIZE } from "@/lib/activity";
import { findClientByClientId, heldRolesForExport } from "@/lib/applications";
import { signInMethodsForExport, trustedBrowsersForExport } from "@/lib/factors";
import { purposeConsentsForExport } from "@/lib/consents";
import { linkedAccountsForExport } from "@/lib/federation";
import { membershipsForExport } from "@/lib/groups";
import { consentsForExport, liveGrantsForExport, profilingForExport } from "@/lib/oidc";
import { acceptancesForExport } from "@/lib/legal";
import { preferencesForExport } from "@/lib/preferences";
import { customAttributesForExport, getProfileClaims, type ProfileClaims } from "@/lib/profile";
import { directoryRecordForExport } from "@/lib/scim";
import { EXPORTED_ASSESSMENT_DAYS, recentAssessmentsForExport, type AssessmentView } from "@/lib/risk";
import { sessionsForExport, type SessionRecordView } from "@/lib/sessions";
import { getAccountSummary, type AccountSummary } from "@/lib/users";

/** Bumped when a field changes meaning or disappears; new sections and fields keep the version. */
export const EXPORT_FORMAT = "portico-export/1";

/** Times are Date here and ISO 8601 UTC strings in the JSON (Date.prototype.toJSON). */
export interface ExportDocument {
  format: typeof EXPORT_FORMAT;
  generatedAt: Date;
  /** The account's facts; whether a password is set goes under signInMethods. */
  account: Omit<AccountSummary, "password">;
  profile: ProfileClaims | null;
  /** Custom attributes an administrator defined, with the values the account holds; null when the account is disabled. */
  customAttributes: { name: string; label: string; value: unknown }[] | null;
  /** Every topic with the person's choice per channel; null when the account is disabled. */
  communicationPreferences: { topic: string; label: string; marketing: boolean; channels: { channel: string; optedIn: boolean; chosen: boolean; updatedAt: Date | null }[] }[] | null;
  /** Every version of the terms of service and the privacy notice the person accepted, newest first. */
  legalAcceptances: { document: string; version: number; title: string; acceptedAt: Date }[];
  signInMethods: {
    password: AccountSummary["password"];
    factors: { kind: string; label: string; addedAt: Date; lastUsedAt: Date | null; confirmedAt: Date | null; blockedAt: Date | null }[];
    recoveryCodes: { exist: boolean; remaining: number };
  };
  sessions: SessionRecordView[];
  trustedBrowsers: { userAgent: string | null; addedAt: Date; lastUsedAt: Date | null; expiresAt: Date }[];
  applications: {
    consents: { clientId: string; name: string | null; scopes: string[]; givenAt: Date; updatedAt: Date }[];
    grants: { clientId: string; name: string | null; scopes: string[]; grantedAt: Date; authenticatedAt: Date | null; refreshTokenExpiresAt: Date | null; accessTokenExpiresAt: Date | null }[];
    /** Progressive profiling: the sign-ins counted per application, and the questions answered "Not now". */
    signIns: { clientId: string; name: string | null; count: number; lastAt: Date }[];
    skippedQuestions: { clientId: string; name: string | null; question: string; skippedAt: Date }[];
  };
  activity: { at: Date; action: string; title: string; detail: string | null; ip: string | null; device: string | null; place: string | null }[];
  riskAssessments: { periodDays: number; entries: AssessmentView[] };
  /** Consent to processing purposes (lib/consents): the current decisions and every signed receipt. */
  purposeConsents: {
    decisions: { purpose: string; status: string; version: number; at: Date; collectionMethod: string; collectorClientId: string | null; receiptId: string | null }[];
    receipts: { id: string; purpose: string; version: number; action: string; at: Date; jws: string }[];
  };
  /** Accounts at identity providers the person signs in with (social and enterprise), with what each provider last sent. */
  linkedAccounts: { provider: string; providerName: string; subject: string; email: string | null; claims: unknown; linkedAt: Date; lastUsedAt: Date | null }[];
  /** What the organisation's directory holds: the provisioning client's record (SCIM), groups, and application roles. */
  directory: {
    userName: string | null;
    externalId: string | null;
    provisionedAttributes: Record<string, unknown>;
    groups: { groupId: string; name: string; joinedAt: Date }[];
    applicationRoles: { clientId: string; application: string; role: string; throughGroupId: string | null; since: Date }[];
  };
}

/** A safety bound on one history (200 × 1000 events); no real account comes near it. */
const MAX_ACTIVITY_PAGES = 1000;

/** The whole history, newest first, a page at a time (the owner reads their own). */
async function wholeActivity(userId: string): Promise<ExportDocument["activity"]> {
  const owner = { id: userId, roles: [] };
  const entries: ExportDocument["activity"] = [];
  let before: string | undefined;
  for (let pages = 0; pages < MAX_ACTIVITY_PAGES; pages++) {
    const page = await listActivity(owner, userId, { before, take: MAX_ACTIVITY_PAGE_SIZE });
    for (const e of page.entries) entries.push({ at: e.at, action: e.action, title: e.title, detail: e.detail ?? null, ip: e.ip, device: e.device, place: e.place });
    if (!page.older) break;
    before = page.older;
  }
  return entries;
}

/** Application names by client id, each looked up once; null for an application since removed. */
async function applicationNames(clientIds: string[]): Promise<Map<string, string | null>> {
  const unique = [...new Set(clientIds)];
  const names = await Promise.all(unique.map(async (id) => [id, (await findClientByClientId(id))?.name ?? null] as const));
  return new Map(names);
}

/**
 * Everything about `userId`, or null when the account no longer exists. Called by the export
 * worker only, for a request the owner made (requests.ts checks who asks).
 */
export async function collectPersonalData(userId: string, now = new Date()): Promise<ExportDocument | null> {
  const account = await getAccountSummary(userId, now);
  if (!account) return null;
  const [profile, customAttributes, preferences, legalAcceptances, methods, sessions, trustedBrowsers, consents, grants, profiling, activity, assessments, purposeConsents, directoryRecord, groups, applicationRoles, linkedAccounts] = await Promise.all([
    getProfileClaims(userId),
    customAttributesForExport(userId),
    preferencesForExport(userId),
    acceptancesForExport(userId),
    signInMethodsForExport(userId),
    sessionsForExport(userId),
    trustedBrowsersForExport(userId, now),
    consentsForExport(userId),
    liveGrantsForExport(userId, now),
    profilingForExport(userId),
    wholeActivity(userId),
    recentAssessmentsForExport(userId, now),
    purposeConsentsForExport(userId),
    directoryRecordForExport(userId),
    membershipsForExport(userId),
    heldRolesForExport(userId),
    linkedAccountsForExport(userId),
  ]);
  const names = await applicationNames([...consents, ...grants, ...profiling.signIns, ...profiling.skippedQuestions].map((r) => r.clientId));
  const { password, ...facts } = account;
  return {
    format: EXPORT_FORMAT,
    generatedAt: now,
    account: facts,
    profile,
    customAttributes,
    communicationPreferences: preferences?.map((t) => ({ topic: t.key, label: t.label, marketing: t.marketing, channels: t.channels })) ?? null,
    legalAcceptances,
    signInMethods: { password, factors: methods.factors, recoveryCodes: methods.recoveryCodes },
    sessions,
    trustedBrowsers,
    applications: {
      consents: consents.map((c) => ({ clientId: c.clientId, name: names.get(c.clientId) ?? null, scopes: c.scopes, givenAt: c.givenAt, updatedAt: c.updatedAt })),
      grants: grants.map(({ clientId, ...grant }) => ({ clientId, name: names.get(clientId) ?? null, ...grant })),
      signIns: profiling.signIns.map(({ clientId, ...s }) => ({ clientId, name: names.get(clientId) ?? null, ...s })),
      skippedQuestions: profiling.skippedQuestions.map(({ clientId, ...s }) => ({ clientId, name: names.get(clientId) ?? null, ...s })),
    },
    activity,
    riskAssessments: { periodDays: EXPORTED_ASSESSMENT_DAYS, entries: assessments },
    purposeConsents,
    linkedAccounts,
    directory: {
      userName: directoryRecord?.userName ?? null,
      externalId: directoryRecord?.externalId ?? null,
      provisionedAttributes: directoryRecord?.attributes ?? {},
      groups,
      applicationRoles,
    },
  };
}

/** The document as the owner downloads it: indented JSON, UTF-8. */
export function serialiseExport(doc: ExportDocument): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}
