// A password reset leaves no refresh token alive, offline_access included.
import { beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "@/test/db";
import { createApplication } from "@/lib/clients";
import { hashPassword } from "@/lib/credentials";
import { ensureSigningKeys } from "@/lib/keys";
import { createSession, validateSession } from "@/lib/sessions";
import { authorize, handleTokenRequest, OAuthError, type OidcClient } from "@/lib/oidc";
import { s256 } from "@/lib/oidc/pkce";
import { issueUserToken } from "@/lib/users/user-tokens";
import { completePasswordReset } from "./account-recovery";

const t = useTestDatabase();
const admin = { id: "00000000-0000-4000-8000-000000000001", roles: ["admin"] };
const REDIRECT = "https://app.example.com/callback";
const VERIFIER = "v".repeat(43);

beforeAll(async () => {
  await ensureSigningKeys();
});

describe("password reset and the applications", () => {
  it("revokes every grant of the account: an offline_access refresh token no longer refreshes", async () => {
    const user = await t.db().user.create({ data: { email: "offline@example.com", passwordHash: await hashPassword("x".repeat(20)), emailVerifiedAt: new Date() } });
    const client = (await createApplication(admin, { name: "Mail app", type: "confidential", redirectUris: [REDIRECT], grantTypes: ["authorization_code", "refresh_token"], firstParty: true }, {}))
      .application as unknown as OidcClient;
    const s = (await validateSession((await createSession(user.id, {})).token))!;
    const outcome = await authorize(
      { params: { client_id: client.clientId, redirect_uri: REDIRECT, response_type: "code", scope: "openid offline_access", state: "s", nonce: "n", code_challenge: s256(VERIFIER), code_challenge_method: "S256" } },
      { id: s.id, userId: user.id, authTime: s.authTime, amr: s.amr },
      {},
    );
    if (outcome.kind !== "respond" || !outcome.response.params.code) throw new Error(`expected a code, got ${JSON.stringify(outcome)}`);
    const tokens = await handleTokenRequest(client, { grant_type: "authorization_code", code: outcome.response.params.code, redirect_uri: REDIRECT, code_verifier: VERIFIER }, {});
    expect(tokens.refresh_token).toBeTruthy();

    await completePasswordReset(await issueUserToken(user.id, "reset_password"), "silver-canyon-whistle-58-ferns", {}, { ip: "192.0.2.8" });

    const refused = await handleTokenRequest(client, { grant_type: "refresh_token", refresh_token: tokens.refresh_token! }, {}).then(() => null, (e: unknown) => e);
    expect(refused).toBeInstanceOf(OAuthError);
    expect((refused as OAuthError).error).toBe("invalid_grant");
    expect(await t.db().oAuthGrant.count({ where: { userId: user.id, revokedAt: null } })).toBe(0);
  });
});
