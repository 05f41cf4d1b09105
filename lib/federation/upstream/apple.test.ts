import crypto from "node:crypto";
import { decodeProtectedHeader, exportPKCS8, generateKeyPair, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { appleClientSecret, appleUserName, pkcs8Pem } from "./apple";

describe("Apple's client secret", () => {
  it("is an ES256 JWT for the team, the Services ID and Apple, valid five minutes, signed by the .p8 key even after a form dropped its line breaks", async () => {
    const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
    const pem = await exportPKCS8(privateKey);
    const flattened = pem.replace(/\n/g, " ");
    const jwt = await appleClientSecret(flattened, { teamId: "TEAM123456", keyId: "KEY1234567" }, "com.example.web", "https://appleid.apple.com", "Apple");
    expect(decodeProtectedHeader(jwt)).toEqual({ alg: "ES256", kid: "KEY1234567" });
    const { payload } = await jwtVerify(jwt, publicKey, { issuer: "TEAM123456", subject: "com.example.web", audience: "https://appleid.apple.com" });
    expect(payload.exp! - payload.iat!).toBe(300);
    expect(pkcs8Pem(flattened)).toBe(pem.trim());
  });

  it("names a key that cannot be used as the connection's set-up problem", async () => {
    const rsa = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    for (const key of [null, "not a key", rsa]) {
      await expect(appleClientSecret(key, { teamId: "TEAM123456", keyId: "KEY1234567" }, "c", "https://appleid.apple.com", "Apple")).rejects.toMatchObject({ code: "invalid_response", message: expect.stringMatching(/\.p8 key/) });
    }
  });
});

describe("Apple's user field", () => {
  it("gives the name only, and nothing from what does not parse", () => {
    expect(appleUserName(JSON.stringify({ name: { firstName: " Tim ", lastName: "Apple" }, email: "someone@else.example" }))).toEqual({ given_name: "Tim", family_name: "Apple", name: "Tim Apple" });
    expect(appleUserName(JSON.stringify({ name: { firstName: "Tim" } }))).toEqual({ given_name: "Tim", name: "Tim" });
    for (const junk of [null, "", "{", "[]", JSON.stringify({ name: "Tim" }), JSON.stringify({ name: { firstName: 3 } }), "x".repeat(5000)]) expect(appleUserName(junk)).toEqual({});
  });
});
