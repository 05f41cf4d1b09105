// An application's mapped custom attributes in its ID tokens, access tokens and UserInfo answers,
// under the attribute's read scope only; registered claims never overwritten.
import { decodeJwt } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "@/test/db";
import { listAuditEvents } from "@/lib/audit";
import { createApplication, setClaimMappings, type ApplicationDto } from "@/lib/applications";
import { ensureSigningKeys } from "@/lib/keys";
import { createAttributeDefinition, updateProfile } from "@/lib/profile";
import { createSession, validateSession } from "@/lib/sessions";
import { PermissionError } from "@/lib/errors";
import { authorize, handleTokenRequest, userInfo, type AuthorizeSession } from "./index";
import { s256 } from "./pkce";

const t = useTestDatabase();
const admin = { id: "00000000-0000-4000-8000-000000000001", roles: ["admin"] };
const REDIRECT = "https://app.example.com/callback";
const VERIFIER = "v".repeat(50);
let app: ApplicationDto;
let session: AuthorizeSession;
let userId: string;

beforeAll(async () => {
  await ensureSigningKeys();
  const user = await t.db().user.create({ data: { email: "mapped@example.com", emailVerifiedAt: new Date() } });
  userId = user.id;
  const s = await createSession(user.id, {});
  const v = (await validateSession(s.token))!;
  session = { id: v.id, userId: v.user.id, authTime: v.authTime, amr: v.amr };
  app = (await createApplication(admin, { name: "Shop", type: "confidential", redirectUris: [REDIRECT], grantTypes: ["authorization_code"], firstParty: true }, {})).application;
  await createAttributeDefinition(admin, { name: "loyalty_tier", label: "Tier", type: "enum", required: false, rules: { values: ["gold", "silver"] }, customerAccess: "write", appReadScope: "profile" }, {});
  await createAttributeDefinition(admin, { name: "shoe_size", label: "Shoe size", type: "number", required: false, rules: {}, customerAccess: "write", appReadScope: "email" }, {});
  await createAttributeDefinition(admin, { name: "internal_note", label: "Note", type: "string", required: false, rules: {}, customerAccess: "none", appReadScope: null }, {});
  await updateProfile(admin, userId, {}, {}, { values: { loyalty_tier: "gold", shoe_size: 42, internal_note: "vip" }, source: "json", partial: true });
});

async function tokensFor(scope: string) {
  const outcome = await authorize(
    { params: { client_id: app.clientId, redirect_uri: REDIRECT, response_type: "code", scope, state: "s", nonce: "n", code_challenge: s256(VERIFIER), code_challenge_method: "S256" } },
    session,
    {},
  );
  if (outcome.kind !== "respond" || !outcome.response.params.code) throw new Error(JSON.stringify(outcome));
  return handleTokenRequest(app, { grant_type: "authorization_code", code: outcome.response.params.code, redirect_uri: REDIRECT, code_verifier: VERIFIER }, {});
}

const row = (attribute: string, claim: string, targets: string[] = ["id_token", "userinfo"]) => ({ attribute, claim, targets });

describe("claim mapping", () => {
  it("refuses registered claims, unknown attributes and attributes applications may not read; only administrators map", async () => {
    for (const [attribute, claim, field, message] of [
      ["loyalty_tier", "sub", "claim", /registered/],
      ["loyalty_tier", "nonce", "claim", /registered/],
      ["loyalty_tier", "email", "claim", /registered/],
      ["favourite_colour", "colour", "attribute", /no attribute/],
      ["internal_note", "note", "attribute", /may not read/],
    ] as const) {
      // The problem lands on the row at fault (the second: the first row is valid).
      await expect(setClaimMappings(admin, app.id, [row("loyalty_tier", "tier"), row(attribute, claim)], {})).rejects.toMatchObject({
        code: "invalid_input",
        fieldErrors: { [`mappings.1.${field}`]: expect.stringMatching(message) },
      });
    }
    await expect(setClaimMappings(admin, app.id, [row("loyalty_tier", "tier"), row("shoe_size", "tier")], {})).rejects.toMatchObject({ fieldErrors: { "mappings.1.claim": expect.stringMatching(/mapped twice/) } });
    await expect(setClaimMappings(admin, app.id, [{ attribute: "loyalty_tier", claim: "tier", targets: [] }], {})).rejects.toMatchObject({ fieldErrors: { "mappings.0.targets": expect.stringMatching(/Choose where/) } });
    await expect(setClaimMappings({ id: userId, roles: [] }, app.id, [row("loyalty_tier", "tier")], {})).rejects.toBeInstanceOf(PermissionError);
    expect((await t.db().application.findUniqueOrThrow({ where: { id: app.id } })).claimMappings).toEqual([]);
  });

  it("releases each mapped attribute in the tokens it names, only when the scopes include its read scope", async () => {
    // A row left empty (the console's blank row) is no mapping.
    app = await setClaimMappings(admin, app.id, [row("loyalty_tier", "https://example.com/tier", ["id_token", "userinfo"]), { attribute: "", claim: " ", targets: [] }, row("shoe_size", "shoe", ["id_token", "access_token"])], {});
    expect(app.claimMappings.map((m) => m.claim)).toEqual(["https://example.com/tier", "shoe"]);
    expect((await listAuditEvents({ targetId: app.id, action: "application.updated" }))[0]!.details).toMatchObject({ changed: ["claimMappings"] });

    const withProfile = await tokensFor("openid profile");
    const id = decodeJwt(withProfile.id_token!);
    expect(id["https://example.com/tier"]).toBe("gold");
    expect(id).not.toHaveProperty("shoe"); // shoe_size is read under "email"
    expect(id.sub).toBe(userId);
    expect(decodeJwt(withProfile.access_token)).not.toHaveProperty("https://example.com/tier"); // not mapped to the access token
    expect(await userInfo(withProfile.access_token)).toMatchObject({ sub: userId, "https://example.com/tier": "gold" });

    const withEmail = await tokensFor("openid email");
    expect(decodeJwt(withEmail.id_token!)).toMatchObject({ shoe: 42 });
    expect(decodeJwt(withEmail.id_token!)).not.toHaveProperty("https://example.com/tier");
    expect(decodeJwt(withEmail.access_token)).toMatchObject({ shoe: 42, sub: userId, client_id: app.clientId });
    expect(await userInfo(withEmail.access_token)).not.toHaveProperty("shoe"); // not mapped to UserInfo

    const openidOnly = await tokensFor("openid");
    expect(Object.keys(decodeJwt(openidOnly.id_token!))).not.toContain("https://example.com/tier");
    expect(await userInfo(openidOnly.access_token)).toEqual({ sub: userId });
  });
});
