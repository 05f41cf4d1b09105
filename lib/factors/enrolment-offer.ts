// The offer of two-step verification (MFA policy "optional"): after sign-in, at most once a week, skippable.
import "server-only";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { findOfferDismissal, upsertOfferDismissal } from "./factors.repo";
import { hasSecondFactor } from "./methods";

export const OFFER_INTERVAL_DAYS = 7;

export async function shouldOfferEnrolment(userId: string, now = new Date()): Promise<boolean> {
  if (await hasSecondFactor(userId)) return false;
  const dismissed = await findOfferDismissal(userId);
  return !dismissed || now.getTime() - dismissed.dismissedAt.getTime() >= OFFER_INTERVAL_DAYS * 24 * 3600_000;
}

export async function dismissEnrolmentOffer(userId: string, ctx: RequestContext, now = new Date()): Promise<void> {
  await upsertOfferDismissal(userId, now);
  await recordAudit({ actor: { type: "user", id: userId }, action: "mfa.offer_dismissed", target: { type: "user", id: userId }, result: "success", context: ctx });
}
