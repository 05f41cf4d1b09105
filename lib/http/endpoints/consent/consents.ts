// The user's consents (the token's subject), for the application acting for them:
//   GET    /api/consent/v1/consents            their decisions (consent:read)
//   POST   /api/consent/v1/consents            record a consent the application collected (consent:write)
//   DELETE /api/consent/v1/consents/{purpose}  withdraw it (consent:write)
// A recorded decision gets its own signed receipt naming the application as the collector.
import "server-only";
import { z } from "zod";
import { findClientByClientId } from "@/lib/applications";
import { consentDecisionsOf, giveConsent, withdrawConsent, type ConsentDecision, type DecisionOutcome } from "@/lib/consents";
import { CONSENT_READ_SCOPE, CONSENT_WRITE_SCOPE, type BearerPrincipal } from "@/lib/oidc";
import { contextFromHeaders } from "../../request-context";
import type { EndpointRequest } from "../result";
import { json, lastPathSegment, malformedBody, operation, problem, readJson } from "./problem";

export function decisionJson(d: ConsentDecision) {
  return { purpose: d.purpose, status: d.status, version: d.version, at: d.at.toISOString(), collection_method: d.collectionMethod, collector_client_id: d.collectorClientId, receipt_id: d.receiptId };
}

function outcomeJson(o: DecisionOutcome) {
  return { consent: decisionJson(o.decision), receipt: o.receipt ? { id: o.receipt.id, jws: o.receipt.jws } : null };
}

/** The body of a recorded consent; unknown members are refused, so a typo is not silently ignored. */
const recordBody = z.strictObject({ purpose: z.string().max(200), version: z.number().int().positive().max(1_000_000).optional() });

async function how(request: EndpointRequest, principal: BearerPrincipal) {
  const app = await findClientByClientId(principal.clientId);
  return { method: "application" as const, collector: { clientId: principal.clientId, name: app?.name ?? principal.clientId }, context: contextFromHeaders(request.headers) };
}

export const GET = operation({
  scopes: [CONSENT_READ_SCOPE],
  handle: async (_request, principal) => json({ consents: (await consentDecisionsOf(principal!.userId)).map(decisionJson) }),
});

export const POST = operation({
  scopes: [CONSENT_WRITE_SCOPE],
  handle: async (request, principal) => {
    const parsed = recordBody.safeParse(await readJson(request));
    if (!parsed.success) throw malformedBody(parsed.error.issues);
    const outcome = await giveConsent(principal!.userId, parsed.data, await how(request, principal!));
    // 201 when a decision was recorded, 200 when it was already so (nothing new signed).
    return json(outcomeJson(outcome), outcome.receipt ? 201 : 200);
  },
});

/** DELETE …/consents/{purpose}. */
export const DELETE = operation({
  scopes: [CONSENT_WRITE_SCOPE],
  handle: async (request, principal) => {
    const purpose = lastPathSegment(request);
    try {
      return json(outcomeJson(await withdrawConsent(principal!.userId, { purpose }, await how(request, principal!))));
    } catch (e) {
      // The purpose names the resource here: unknown is a 404, not an unprocessable body.
      if ((e as { code?: string }).code === "unknown_purpose") return problem("purpose-not-found", `There is no purpose ${JSON.stringify(purpose.slice(0, 64))}.`);
      throw e;
    }
  },
});
