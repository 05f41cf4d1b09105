import { describe, expect, it } from "vitest";
import { useTestDatabase } from "@/test/db";
import { purgeExpiredProtocolState } from "./housekeeping";

const t = useTestDatabase();
const HOUR = 3600_000;

describe("expired protocol state", () => {
  it("is deleted, while live state and recently expired codes (replay detection) stay", async () => {
    const now = new Date("2026-11-28T12:00:00Z");
    const ago = (ms: number) => new Date(now.getTime() - ms);
    const db = t.db();
    const grant = await db.oAuthGrant.create({ data: { clientId: "c", scope: "openid" } });
    await db.authorizationRequest.createMany({ data: [
      { id: "old-interaction", clientId: "c", params: {}, expiresAt: ago(1) },
      { id: "live-interaction", clientId: "c", params: {}, expiresAt: ago(-HOUR) },
    ] });
    const code = (codeHash: string, expiresAt: Date) => ({ codeHash, grantId: grant.id, clientId: "c", redirectUri: "https://a.example/cb", expiresAt });
    await db.authorizationCode.createMany({ data: [code("a".repeat(64), ago(25 * HOUR)), code("b".repeat(64), ago(HOUR))] });
    await db.refreshToken.createMany({ data: [
      { tokenHash: "c".repeat(64), grantId: grant.id, expiresAt: ago(1) },
      { tokenHash: "d".repeat(64), grantId: grant.id, expiresAt: ago(-HOUR) },
    ] });
    await db.accessTokenRecord.createMany({ data: [
      { jti: "old-at", grantId: grant.id, clientId: "c", expiresAt: ago(1) },
      { jti: "live-at", grantId: grant.id, clientId: "c", expiresAt: ago(-HOUR) },
    ] });
    await db.revokedAccessToken.createMany({ data: [
      { jti: "old-rev", clientId: "c", expiresAt: ago(1) },
      { jti: "live-rev", clientId: "c", expiresAt: ago(-HOUR) },
    ] });

    expect(await purgeExpiredProtocolState(now)).toMatchObject({ interactions: 1, codes: 1, refreshTokens: 1, accessTokens: 1, revocations: 1 });
    expect((await db.authorizationRequest.findMany()).map((r) => r.id)).toEqual(["live-interaction"]);
    expect((await db.authorizationCode.findMany()).map((r) => r.codeHash)).toEqual(["b".repeat(64)]);
    expect((await db.refreshToken.findMany()).map((r) => r.tokenHash)).toEqual(["d".repeat(64)]);
    expect((await db.accessTokenRecord.findMany()).map((r) => r.jti)).toEqual(["live-at"]);
    expect((await db.revokedAccessToken.findMany()).map((r) => r.jti)).toEqual(["live-rev"]);
    expect(await purgeExpiredProtocolState(now)).toMatchObject({ interactions: 0, codes: 0, accessTokens: 0 });
  });
});
