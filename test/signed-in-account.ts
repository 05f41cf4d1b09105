// Test fixtures for the portal's session management and password change: an application with a
// back-channel logout URI, an account with a password signed in several times, and OAuth grants
// made in a chosen session (authorize + token exchange, as an application gets them). Shared by
// lib/sign-in tests.
import crypto from "node:crypto";
import type { ApplicationDto } from "@/lib/applications";
import { createApplication } from "@/lib/applications";
import { hashPassword } from "@/lib/credentials";
import type { Db } from "@/lib/db";
import { ensureSigningKeys } from "@/lib/keys";
import { authorize, handleTokenRequest } from "@/lib/oidc";
import { s256 } from "@/lib/oidc/pkce";
import { createSession, validateSession } from "@/lib/sessions";

const admin = { id: "00000000-0000-4000-8000-000000000001", roles: ["admin"] };
const REDIRECT = "https://app.example.com/callback";
export const BACKCHANNEL_URI = "https://app.example.com/backchannel";
export const ACCOUNT_PASSWORD = "river stone candle 1987";
const VERIFIER = "v".repeat(43);

export function signedInAccountFixtures(t: { db: () => Db }) {
  let client: ApplicationDto | undefined;

  async function application(): Promise<ApplicationDto> {
    if (client) return client;
    await ensureSigningKeys();
    client = (
      await createApplication(
        admin,
        { name: "Mail app", type: "confidential", redirectUris: [REDIRECT], grantTypes: ["authorization_code", "refresh_token"], firstParty: true, backchannelLogoutUri: BACKCHANNEL_URI },
        {},
      )
    ).application;
    return client;
  }

  /** A verified account with a password (or none: passkey only), signed in `sessions` times from the given contexts. */
  async function account(opts: { sessions?: number; password?: string | null; ctx?: { ip?: string; userAgent?: string }[] } = {}) {
    const password = opts.password === undefined ? ACCOUNT_PASSWORD : opts.password;
    const user = await t.db().user.create({
      data: { email: `portal-${crypto.randomBytes(4).toString("hex")}@example.com`, emailVerifiedAt: new Date(), passwordHash: password ? await hashPassword(password) : null },
    });
    const sessions = [];
    for (let i = 0; i < (opts.sessions ?? 2); i++) sessions.push(await createSession(user.id, opts.ctx?.[i] ?? {}));
    return { user, sessions, actor: { id: user.id, roles: [] as string[] } };
  }

  /** A grant made in the session behind `token` (an application signed in there). */
  async function grantIn(token: string, scope = "openid") {
    const app = await application();
    const s = (await validateSession(token))!;
    const outcome = await authorize(
      { params: { client_id: app.clientId, redirect_uri: REDIRECT, response_type: "code", scope, state: "s", nonce: "n", code_challenge: s256(VERIFIER), code_challenge_method: "S256" } },
      { id: s.id, userId: s.user.id, authTime: s.authTime, amr: s.amr },
      {},
    );
    if (outcome.kind !== "respond" || !outcome.response.params.code) throw new Error(`expected a code, got ${JSON.stringify(outcome)}`);
    await handleTokenRequest(app, { grant_type: "authorization_code", code: outcome.response.params.code, redirect_uri: REDIRECT, code_verifier: VERIFIER }, {});
    return t.db().oAuthGrant.findFirstOrThrow({ where: { sessionId: s.id }, orderBy: { createdAt: "desc" } });
  }

  const liveGrants = (userId: string) => t.db().oAuthGrant.findMany({ where: { userId, revokedAt: null }, select: { id: true, sessionId: true } });
  const backchannelDeliveries = () => t.db().httpDelivery.count({ where: { kind: "backchannel_logout", url: BACKCHANNEL_URI } });

  return { application, account, grantIn, liveGrants, backchannelDeliveries };
}
