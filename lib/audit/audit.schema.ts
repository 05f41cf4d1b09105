import { z } from "zod";

/** Where a request came from; every domain function that changes state takes one for its audit event. */
export const requestContextSchema = z.object({
  ip: z.string().max(64).optional(),
  userAgent: z.string().max(512).optional(),
});
export type RequestContext = z.infer<typeof requestContextSchema>;

export type AuditActor = { type: "user" | "admin" | "system" | "anonymous"; id?: string };

export interface AuditEventInput {
  actor: AuditActor;
  /** dotted verb, e.g. "user.registered", "login.failed", "session.revoked" */
  action: string;
  target?: { type: string; id: string };
  result: "success" | "failure";
  context?: RequestContext;
  /** Never secrets: no passwords, tokens or hashes. */
  details?: Record<string, unknown>;
}
