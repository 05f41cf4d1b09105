// The queue behind the public account forms. Registration and "forgot password" must not reveal
// whether an address has an account, by their answer or by their time: the request only checks
// what it can without the account (input, throttles, CAPTCHA), queues one job, and returns. The
// outbox (account-worker.ts) then looks the address up and does what depends on it.
import "server-only";
import type { RequestContext } from "@/lib/audit";
import { kickOutbox } from "@/lib/outbox";
import { insertAccountJob } from "./account-jobs.repo";
import type { RegistrationConsent } from "@/lib/consents";

export interface AccountJobPayloads {
  /** `throttled`: past the per-address limit; the worker only records it. */
  password_reset: { throttled: boolean };
  /** The password is hashed in the request (the same cost for everyone); the hash waits here for the worker. */
  /** `consents`: the purposes ticked on the form (checked when queued), each with the version of its text shown. */
  registration: { passwordHash: string; displayName?: string; termsAcceptedAt: string; acceptedDocuments?: string[]; consents?: RegistrationConsent[] };
}
export type AccountJobKind = keyof AccountJobPayloads;

export interface AccountJob<K extends AccountJobKind = AccountJobKind> {
  id: string;
  kind: K;
  email: string;
  payload: AccountJobPayloads[K];
  context: RequestContext;
}

/** One insert, the same for every address. The outbox runs it right after the response (account-worker.ts). */
export async function enqueueAccountJob<K extends AccountJobKind>(kind: K, email: string, payload: AccountJobPayloads[K], ctx: RequestContext): Promise<void> {
  await insertAccountJob({ kind, email, payload: { ...payload }, context: { ip: ctx.ip, userAgent: ctx.userAgent } });
  kickOutbox();
}
