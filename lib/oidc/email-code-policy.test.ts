// An application may widen the second step to an emailed code for people
// with a stronger factor; the sign-in finds the setting through the interaction it continues.
import { beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "@/test/db";
import { createApplication, updateApplication, findClientByClientId } from "@/lib/applications";
import { ensureSigningKeys } from "@/lib/keys";
import { authorize, emailCodeWithStrongFactorFor } from "./index";
import { s256 } from "./pkce";

useTestDatabase();
const admin = { id: "00000000-0000-4000-8000-000000000001", roles: ["admin"] };
const REDIRECT = "https://app.example.com/callback";

beforeAll(async () => {
  await ensureSigningKeys();
});

async function interactionFor(clientId: string): Promise<string> {
  const params = { client_id: clientId, redirect_uri: REDIRECT, response_type: "code", scope: "openid", state: "s", nonce: "n", code_challenge: s256("v".repeat(43)), code_challenge_method: "S256" };
  const outcome = await authorize({ params }, null, {});
  if (outcome.kind !== "login") throw new Error(`expected a login, got ${JSON.stringify(outcome)}`);
  return outcome.interactionId;
}

describe("the application's emailed-code setting", () => {
  it("is off by default, and on for the application that widened it, found through the sign-in's interaction", async () => {
    const base = { type: "confidential" as const, redirectUris: [REDIRECT], grantTypes: ["authorization_code" as const] };
    const strict = (await createApplication(admin, { ...base, name: "Bank" }, {})).application;
    const lenient = (await createApplication(admin, { ...base, name: "Newsletter", emailCodeWithStrongFactor: true }, {})).application;
    expect(strict.emailCodeWithStrongFactor).toBe(false);
    expect(lenient.emailCodeWithStrongFactor).toBe(true);

    expect(await emailCodeWithStrongFactorFor(`/oauth2/authorize?interaction=${await interactionFor(strict.clientId)}`)).toBe(false);
    expect(await emailCodeWithStrongFactorFor(`/oauth2/authorize?interaction=${await interactionFor(lenient.clientId)}`)).toBe(true);
    expect(await emailCodeWithStrongFactorFor(`/oauth2/authorize?client_id=${encodeURIComponent(lenient.clientId)}`)).toBe(true);
    // Anything else is no application: the strict default.
    for (const next of [undefined, "/account", "/oauth2/authorize?interaction=nope%00", "/oauth2/authorize?interaction=unknown", "https://evil.example/oauth2/authorize?client_id=x"]) {
      expect(await emailCodeWithStrongFactorFor(next)).toBe(false);
    }

    // The console can turn it off again (an update replaces every field).
    const { id: _id, clientId: _c, hasSecret: _h, secretRotatedAt: _s, disabled: _d, disabledAt: _da, createdVia: _v, createdAt: _ca, updatedAt: _u, ...fields } = lenient;
    await updateApplication(admin, lenient.id, { ...fields, emailCodeWithStrongFactor: false }, {});
    expect((await findClientByClientId(lenient.clientId))!.emailCodeWithStrongFactor).toBe(false);
  });
});
