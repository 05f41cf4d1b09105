// Signing out everywhere: sessions, trusted browsers and every grant (offline_access included)
// in one go, with a back-channel logout token queued for each session's clients.
import crypto from "node:crypto";
import type { ApplicationDto } from "@/lib/applications";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "@/test/db";
import { listAuditEvents } from "@/lib/audit";
import { createApplication } from "@/lib/applications";
import { isTrustedDevice, trustDevice } from "@/lib/factors";
import { ensureSigningKeys } from "@/lib/keys";
import { authorize, handleTokenRequest } from "@/lib/oidc";
import { s256 } from "@/lib/oidc/pkce";
import { createSession, validateSession } from "@/lib/sessions";
import { issueUserToken } from "@/lib/users/user-tokens";
import { secureAccountNotMe, signOutEverywhere } from "./index";

const t = useTestDatabase();
const admin = { id: "00000000-0000-4000-8000-000000000001", roles: ["admin"] };
const REDIRECT = "https://app.example.com/callback";
const VERIFIER = "v".repeat(43);
let client: ApplicationDto;

beforeAll(async () => {
  await ensureSigningKeys();
  client = (
    await createApplication(
      admin,
      { name: "Mail app", type: "confidential", redirectUris: [REDIRECT], grantTypes: ["authorization_code", "refresh_token"], firstParty: true, backchannelLogoutUri: "https://app.example.com/backchannel" },
      {},
    )
  ).application;
});

/** An account signed in twice, trusted on one browser, with an offline grant made in a session. */
async function signedInAccount() {
  const user = await t.db().user.create({ data: { email: `everywhere-${crypto.randomBytes(4).toString("hex")}@example.com`, emailVerifiedAt: new Date() } });
  const sessions = [await createSession(user.id, {}), await createSession(user.id, {})];
  const s = (await validateSession(sessions[0]!.token))!;
  const outcome = await authorize(
    { params: { client_id: client.clientId, redirect_uri: REDIRECT, response_type: "code", scope: "openid offline_access", state: "s", nonce: "n", code_challenge: s256(VERIFIER), code_challenge_method: "S256" } },
    { id: s.id, userId: user.id, authTime: s.authTime, amr: s.amr },
    {},
  );
  if (outcome.kind !== "respond" || !outcome.response.params.code) throw new Error(`expected a code, got ${JSON.stringify(outcome)}`);
  await handleTokenRequest(client, { grant_type: "authorization_code", code: outcome.response.params.code, redirect_uri: REDIRECT, code_verifier: VERIFIER }, {});
  const trusted = await trustDevice(user.id, {});
  return { user, sessions, trusted };
}

describe("signOutEverywhere", () => {
  it("ends every session, forgets trusted browsers, revokes every grant and queues the back-channel logout", async () => {
    const { user, sessions, trusted } = await signedInAccount();
    const done = await signOutEverywhere(user.id, "test_reason", { ip: "192.0.2.70" });
    expect(done).toEqual({ sessionsRevoked: 2, trustedDevicesForgotten: 1, applicationsNotified: 1, grantsRevoked: 1 });
    for (const s of sessions) expect(await validateSession(s.token)).toBeNull();
    expect(await isTrustedDevice(user.id, trusted.token)).toBe(false);
    expect(await t.db().oAuthGrant.count({ where: { userId: user.id, revokedAt: null } })).toBe(0);
    expect(await t.db().httpDelivery.count({ where: { kind: "backchannel_logout", url: "https://app.example.com/backchannel" } })).toBeGreaterThanOrEqual(1);
    const [audit] = await listAuditEvents({ action: "user.signed_out_everywhere", targetId: user.id });
    expect(audit!.details).toEqual({ reason: "test_reason", ...done });
    // Nothing left: a second call changes nothing.
    expect(await signOutEverywhere(user.id, "test_reason", {})).toEqual({ sessionsRevoked: 0, trustedDevicesForgotten: 0, applicationsNotified: 0, grantsRevoked: 0 });
  });

  it("is what \"this wasn't me\" does after securing the account", async () => {
    const { user, sessions, trusted } = await signedInAccount();
    await secureAccountNotMe(await issueUserToken(user.id, "not_me"), {});
    for (const s of sessions) expect(await validateSession(s.token)).toBeNull();
    expect(await isTrustedDevice(user.id, trusted.token)).toBe(false);
    expect(await t.db().oAuthGrant.count({ where: { userId: user.id, revokedAt: null } })).toBe(0);
    expect((await listAuditEvents({ action: "user.signed_out_everywhere", targetId: user.id })).map((e) => (e.details as { reason: string }).reason)).toEqual(["reported_not_me"]);
  });
});
