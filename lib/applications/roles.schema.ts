// Application roles and the claims they are released in: browser-safe input schemas shared by the
// console's forms and the domain (lib/applications roles.ts).
import { z } from "zod";
import { RESERVED_CLAIM_NAMES } from "@/lib/profile/attributes.schema";

/** A role's name as the application receives it: letters, digits and `_ . : -`, no spaces. */
export const ROLE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/;
const SIMPLE_CLAIM = /^[a-z_][a-z0-9_]{0,63}$/;
export const CLAIM_NAME_MAX_LENGTH = 200;

/** The registered names this feature may use all the same: "roles" and "groups" are what it is for. */
const ENTITLEMENT_CLAIMS: ReadonlySet<string> = new Set(["roles", "groups"]);

/**
 * Why a claim name cannot carry roles or groups (null: it can). Either a short name
 * ([a-z_][a-z0-9_]{0,63}) that no JWT or OpenID Connect claim registers, or a collision-resistant
 * https URL namespace (RFC 7519 §4.2).
 */
export function entitlementClaimProblem(name: string): string | null {
  if (SIMPLE_CLAIM.test(name)) {
    return RESERVED_CLAIM_NAMES.has(name) && !ENTITLEMENT_CLAIMS.has(name) ? `${name} is a registered claim (JWT or OpenID Connect): Portico sets it itself.` : null;
  }
  if (name.startsWith("https://")) {
    if (name.length > CLAIM_NAME_MAX_LENGTH) return `Use at most ${CLAIM_NAME_MAX_LENGTH} characters.`;
    if (!/^[\x21-\x7e]+$/.test(name)) return "A claim URL has no spaces or invisible characters.";
    try {
      const url = new URL(name);
      if (url.protocol !== "https:" || !url.hostname || url.username || url.password) return "Use an https:// URL with a host name.";
    } catch {
      return "This is not a valid URL.";
    }
    return null;
  }
  return "Use a short claim name (lower-case letters, digits and _) or an https:// URL.";
}

const claimName = z
  .string()
  .trim()
  .max(CLAIM_NAME_MAX_LENGTH, `Use at most ${CLAIM_NAME_MAX_LENGTH} characters.`)
  .transform((v) => (v === "" ? null : v))
  .superRefine((v, ctx) => {
    const problem = v === null ? null : entitlementClaimProblem(v);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

/** The console's claim settings: empty names release nothing; a checkbox is "on" when ticked. */
export const roleClaimsSchema = z
  .object({
    rolesClaim: z.string().nullish().transform((v) => v ?? "").pipe(claimName),
    groupsClaim: z.string().nullish().transform((v) => v ?? "").pipe(claimName),
    requireRole: z.union([z.boolean(), z.string().nullish().transform((v) => v === "on")]),
  })
  .superRefine((v, ctx) => {
    if (v.rolesClaim && v.rolesClaim === v.groupsClaim) ctx.addIssue({ code: "custom", path: ["groupsClaim"], message: "Use another claim than the roles claim." });
  });
export type RoleClaimsInput = z.input<typeof roleClaimsSchema>;
export type RoleClaims = z.output<typeof roleClaimsSchema>;

export const roleInputSchema = z.object({
  name: z.string({ error: "Enter a role name." }).trim().min(1, "Enter a role name.").max(100, "Use at most 100 characters.").regex(ROLE_NAME, "Use letters, digits and _ . : - (no spaces)."),
  description: z
    .string()
    .trim()
    .max(500, "Use at most 500 characters.")
    .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), "Remove invisible or control characters.")
    .nullish()
    .transform((v) => (v ? v : null)),
});
export type RoleInput = z.output<typeof roleInputSchema>;

/** What the console lists: each role with who holds it. */
export interface ApplicationRoleDto {
  id: string;
  name: string;
  description: string | null;
  createdAt: Date;
  users: { id: string; email: string | null; displayName: string | null }[];
  groups: { id: string; displayName: string }[];
}

/** What an application is entitled to see of a user: role names, and the names of the user's groups holding one of its roles. */
export interface Entitlements {
  roles: string[];
  groups: string[];
}
