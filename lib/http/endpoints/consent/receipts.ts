// The user's consent receipts (consent:read): GET /api/consent/v1/receipts (newest first) and
// GET /api/consent/v1/receipts/{id}: the compact JWS (verify it against ./receipt-keys) and its
// decoded Kantara Consent Receipt 1.1.
import "server-only";
import { receiptOf, receiptsOf, type StoredReceipt } from "@/lib/consents";
import { CONSENT_READ_SCOPE } from "@/lib/oidc";
import { json, lastPathSegment, operation } from "./problem";

function receiptJson(r: StoredReceipt) {
  return { id: r.id, purpose: r.purpose, version: r.version, action: r.action, at: r.at.toISOString(), collector_client_id: r.collectorClientId, jws: r.jws, receipt: r.receipt };
}

export const GET = operation({
  scopes: [CONSENT_READ_SCOPE],
  handle: async (_request, principal) => json({ receipts: (await receiptsOf(principal!.userId)).map(receiptJson) }),
});

/** GET …/receipts/{id}. */
export const GET_ONE = operation({
  scopes: [CONSENT_READ_SCOPE],
  handle: async (request, principal) => json(receiptJson(await receiptOf(principal!.userId, lastPathSegment(request)))),
});
