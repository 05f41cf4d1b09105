// Page and server-action guards: a signed-in customer, a recent sign-in (sudo mode), an
// administrator (admin-access.ts: strong second factor, two-factor session, recent sign-in for
// sensitive actions), and the dev outbox's reader. The domain functions check roles again.
import "server-only";
import { forbidden, notFound, redirect } from "next/navigation";
import { headers } from "next/headers";
import { config } from "@/lib/config";
import { administratorExists, hasPermission, isConsoleUser, type Actor, type Permission } from "@/lib/users";
import { securityOverview } from "@/lib/factors";
import type { ActiveSession } from "@/lib/sessions";
import { currentSession, currentSessionFromCookieHeader } from "./session-cookie";
import { safeNextPath } from "./safe-redirect";
import { adminAccess, isRecentSignIn, type AdminAccess } from "./admin-access";
import { outboxAccess } from "./outbox-access";
import { requestContext } from "./request-context";

export async function requireSession(returnTo: string): Promise<ActiveSession> {
  const session = await currentSession();
  if (!session) redirect(`/login?next=${encodeURIComponent(safeNextPath(returnTo))}`);
  return session;
}

/** Sign in again (even with a live session), then come back: a fresh auth_time and a full second step. */
function signInAgain(returnTo: string): never {
  redirect(`/login?force=1&next=${encodeURIComponent(safeNextPath(returnTo))}`);
}

/** Sudo mode: changing how an account signs in (or the console's sensitive actions) needs a sign-in from the last 15 minutes. */
export async function requireRecentSession(returnTo: string): Promise<ActiveSession> {
  const session = await requireSession(returnTo);
  if (!isRecentSignIn(session.authTime)) signInAgain(returnTo);
  return session;
}

/** Passkeys (unless flagged as cloned) and authenticator apps; phones and emailed codes do not count. */
async function hasStrongFactor(userId: string): Promise<boolean> {
  const { factors } = await securityOverview(userId);
  return factors.some((f) => (f.type === "passkey" && !f.flaggedAt) || f.type === "totp");
}

/**
 * Console pages (and, with recentSignIn, its server actions): an administrator with a strong second
 * factor in a two-factor session, holding `permission` when the page names one (403 otherwise). Without a strong factor: to the security page to set one up;
 * a session without its second step, or too old for a sensitive action: sign in again.
 */
export async function requireAdmin(returnTo: string, opts: { recentSignIn?: boolean; permission?: Permission } = {}): Promise<ActiveSession> {
  const session = await requireSession(returnTo);
  if (opts.permission && isConsoleUser(session.user) && !hasPermission(session.user, opts.permission)) forbidden();
  switch (await adminAccessOf(session, opts)) {
    case "forbidden":
      forbidden();
    case "needs_strong_factor":
      redirect(`/account/security?mfa=admin`);
    case "needs_mfa_session":
    case "needs_recent_sign_in":
      signInAgain(returnTo);
  }
  return session;
}

async function adminAccessOf(session: ActiveSession, opts: { recentSignIn?: boolean } = {}) {
  const admin = isConsoleUser(session.user);
  return adminAccess({ isConsoleUser: admin, amr: session.amr, authTime: session.authTime, hasStrongFactor: admin && (await hasStrongFactor(session.user.id)) }, opts);
}

/**
 * For the route-group layouts, which render the shell: the session when the caller is the one the
 * group is for, else null. They never redirect: a layout does not know the page's return path and
 * is not re-run on every navigation, so the page's own guard (requireSession, requireAdmin) and
 * every action's wrapper (actions.ts) are what keep the others out.
 */
export async function shellSession(group: "portal" | "admin"): Promise<ActiveSession | null> {
  const session = await currentSession();
  if (!session || group === "portal") return session;
  return (await adminAccessOf(session)) === "ok" ? session : null;
}

/**
 * The console bar of server actions (lib/http/actions.ts adminAction and administrator): every action
 * there changes configuration, secrets or policy, so each needs the full admin bar and a recent
 * sign-in. Returns the actor the domain functions authorise again.
 */
export async function adminActionActor(permission: Permission, returnTo: string): Promise<Actor> {
  const session = await requireAdmin(returnTo, { recentSignIn: true, permission });
  return { id: session.user.id, roles: session.user.roles };
}

/**
 * The console bar for a route handler (a download), which answers with a status instead of
 * redirecting: the actor when the session behind the Cookie header is an administrator past the bar
 * (strong factor, two-factor session) holding `permission`; else why not, "signed_out" (401) or a
 * refusal (403); with `recentSignIn` (an upload that changes data), a sign-in from the last 15
 * minutes too. The domain function checks the permission again.
 */
export async function adminRouteActor(
  cookieHeader: string | null,
  permission: Permission,
  opts: { recentSignIn?: boolean } = {},
): Promise<{ ok: true; actor: Actor } | { ok: false; reason: "signed_out" | "missing_permission" | Exclude<AdminAccess, "ok"> }> {
  const session = await currentSessionFromCookieHeader(cookieHeader);
  if (!session) return { ok: false, reason: "signed_out" };
  const access = await adminAccessOf(session, opts);
  if (access !== "ok") return { ok: false, reason: access };
  if (!hasPermission(session.user, permission)) return { ok: false, reason: "missing_permission" };
  return { ok: true, actor: { id: session.user.id, roles: session.user.roles } };
}

/** /dev/mail: see outbox-access.ts for who may read it. */
export async function requireOutboxReader(returnTo: string): Promise<void> {
  const access = outboxAccess({
    devOutbox: config().devOutbox,
    administratorExists: await administratorExists(),
    clientIp: (await requestContext()).ip,
    host: (await headers()).get("host") ?? "",
  });
  if (access === "off") notFound();
  if (access === "open_to_this_machine") return;
  if (access === "forbidden") forbidden();
  await requireAdmin(returnTo);
}
