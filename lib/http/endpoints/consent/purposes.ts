// GET /api/consent/v1/purposes: the processing purposes with their current version (consent:read).
import "server-only";
import { listPurposes, type PurposeView } from "@/lib/consents";
import { CONSENT_READ_SCOPE } from "@/lib/oidc";
import { json, operation } from "./problem";

export function purposeJson(p: PurposeView) {
  return {
    key: p.key,
    name: p.name,
    legal_basis: p.legalBasis,
    consent_based: p.legalBasis === "consent",
    data_categories: p.dataCategories,
    retention: p.retention,
    third_party: p.thirdParty,
    offered_at_registration: p.offerAtRegistration,
    current_version: { version: p.current.version, text: p.current.text, published_at: p.current.publishedAt.toISOString() },
  };
}

export const GET = operation({
  scopes: [CONSENT_READ_SCOPE],
  handle: async () => json({ purposes: (await listPurposes()).map(purposeJson) }),
});
