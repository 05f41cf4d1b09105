// A password reset, and switching an email change back, leave no refresh token alive, offline_access included.
import type { ApplicationDto } from "@/lib/applications";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "@/test/db";
import { createApplication } from "@/lib/applications";
import { hashPassword } from "@/lib/credentials";
import { ensureSigningKeys } from "@/lib/keys";
import { createSession, validateSession } from "@/lib/sessions";
import { authorize, handleTokenRequest, OAuthError } from "@/lib/oidc";
import { s256 } from "@/lib/oidc/pkce";
import { issueUserToken } from "@/lib/users/user-tokens";
import { cancelOrRevertEmailChange, completePasswordReset } from "./index";

const t = useTestDatabase();
const admin = { id: "00000000-0000-4000-8000-000000000001", roles: ["admin"] };
const REDIRECT = "https://app.example.com/callback";
const VERIFIER = "v".repeat(43);

beforeAll(async () => {
  await ensureSigningKeys();
});

async function offlineGrant(email: string) {
  const user = await t.db().user.create({ data: { email, passwordHash: await hashPassword("x".repeat(20)), emailVerifiedAt: new Date() } });
  const client = (await createApplication(admin, { name: "Mail app", type: "confidential", redirectUris: [REDIRECT], grantTypes: ["authorization_code", "refresh_token"], firstParty: true }, {}))
    .application;
  const s = (await validateSession((await createSession(user.id, {})).token))!;
  const outcome = await authorize(
    { params: { client_id: client.clientId, redirect_uri: REDIRECT, response_type: "code", scope: "openid offline_access", state: "s", nonce: "n", code_challenge: s256(VERIFIER), code_challenge_method: "S256" } },
    { id: s.id, userId: user.id, authTime: s.authTime, amr: s.amr },
    {},
  );
  if (outcome.kind !== "respond" || !outcome.response.params.code) throw new Error(`expected a code, got ${JSON.stringify(outcome)}`);
  const tokens = await handleTokenRequest(client, { grant_type: "authorization_code", code: outcome.response.params.code, redirect_uri: REDIRECT, code_verifier: VERIFIER }, {});
  expect(tokens.refresh_token).toBeTruthy();
  return { user, client, refreshToken: tokens.refresh_token! };
}

async function refreshRefused(client: ApplicationDto, refreshToken: string): Promise<boolean> {
  const e = await handleTokenRequest(client, { grant_type: "refresh_token", refresh_token: refreshToken }, {}).then(() => null, (x: unknown) => x);
  return e instanceof OAuthError && e.error === "invalid_grant";
}

describe("account recovery and the applications", () => {
  it("a password reset revokes every grant of the account: an offline_access refresh token no longer refreshes", async () => {
    const { user, client, refreshToken } = await offlineGrant("offline@example.com");
    await completePasswordReset(await issueUserToken(user.id, "reset_password"), "silver-canyon-whistle-58-ferns", {}, { ip: "192.0.2.8" });

    expect(await refreshRefused(client, refreshToken)).toBe(true);
    expect(await t.db().oAuthGrant.count({ where: { userId: user.id, revokedAt: null } })).toBe(0);
  });

  it("switching an email change back revokes every grant; cancelling a pending change revokes none", async () => {
    const { user, client, refreshToken } = await offlineGrant("moved-away@example.com");
    // A pending change cancelled by the address the account still has: the applications keep their grants.
    const cancel = await issueUserToken(user.id, "cancel_email_change", { email: "moved-away@example.com" });
    await expect(cancelOrRevertEmailChange(cancel, {})).resolves.toMatchObject({ outcome: "cancelled" });
    expect(await t.db().oAuthGrant.count({ where: { userId: user.id, revokedAt: null } })).toBe(1);

    // The change happened (to an address someone else holds); the old address switches back.
    const revert = await issueUserToken(user.id, "cancel_email_change", { email: "moved-away@example.com" });
    await t.db().user.update({ where: { id: user.id }, data: { email: "intruder@example.com" } });
    await expect(cancelOrRevertEmailChange(revert, { ip: "192.0.2.9" })).resolves.toMatchObject({ outcome: "reverted" });
    expect(await refreshRefused(client, refreshToken)).toBe(true);
    expect(await t.db().oAuthGrant.count({ where: { userId: user.id, revokedAt: null } })).toBe(0);
  });
});
