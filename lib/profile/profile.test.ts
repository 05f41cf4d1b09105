import { describe, expect, it } from "vitest";
import crypto from "node:crypto";
import { useTestDatabase } from "@/test/db";
import { listAuditEvents } from "@/lib/audit";
import { PermissionError } from "@/lib/errors";
import { ADMIN_ROLE } from "@/lib/users";
import { claimsForScopes, getClaimSource, getProfile, updateProfile } from "./index";
import { profileSchema } from "./profile.schema";

const t = useTestDatabase();
const customer = async () => {
  const u = await t.db().user.create({ data: { email: `profile-${crypto.randomBytes(4).toString("hex")}@example.com`, emailVerifiedAt: new Date() } });
  return { id: u.id, roles: [] as string[] };
};
const fromForm = (fields: Record<string, string>) =>
  profileSchema.parse({ ...Object.fromEntries(Object.keys(profileSchema.shape).map((k) => [k, ""])), ...fields });

describe("updateProfile", () => {
  it("the customer changes their own profile; the audit names the fields, not the values", async () => {
    const me = await customer();
    const { changed } = await updateProfile(me, me.id, fromForm({ givenName: "Ada", familyName: "Lovelace", locality: "London", country: "United Kingdom" }), {});
    expect(changed.sort()).toEqual(["country", "familyName", "givenName", "locality"]);
    expect(await getProfile(me.id)).toMatchObject({ givenName: "Ada", familyName: "Lovelace", locality: "London", country: "United Kingdom", streetAddress: null });
    const [event] = await listAuditEvents({ targetId: me.id, action: "user.profile_updated" });
    expect(event).toMatchObject({ actorType: "user", actorId: me.id, result: "success" });
    expect(JSON.stringify(event!.details)).not.toContain("Lovelace");
  });

  it("an unchanged form writes nothing and audits nothing", async () => {
    const me = await customer();
    await updateProfile(me, me.id, fromForm({ nickname: "ada" }), {});
    const before = (await t.db().user.findUniqueOrThrow({ where: { id: me.id } })).updatedAt;
    const { changed } = await updateProfile(me, me.id, fromForm({ nickname: "ada" }), {});
    expect(changed).toEqual([]);
    expect((await t.db().user.findUniqueOrThrow({ where: { id: me.id } })).updatedAt).toEqual(before);
    expect(await listAuditEvents({ targetId: me.id, action: "user.profile_updated" })).toHaveLength(1);
  });

  it("a partial update keeps the other fields and the rest of the address; clearing every address member removes the address", async () => {
    const me = await customer();
    await updateProfile(me, me.id, fromForm({ givenName: "Ada", streetAddress: "12 St James's Sq", locality: "London" }), {});
    await updateProfile(me, me.id, { locality: "Bath" }, {});
    expect(await getProfile(me.id)).toMatchObject({ givenName: "Ada", streetAddress: "12 St James's Sq", locality: "Bath" });
    await updateProfile(me, me.id, { streetAddress: null, locality: null }, {});
    expect((await t.db().user.findUniqueOrThrow({ where: { id: me.id } })).address).toBeNull();
  });

  it("another customer cannot change it (checked in the domain, not only by the page); an administrator can", async () => {
    const me = await customer();
    const other = await customer();
    await expect(updateProfile(other, me.id, { givenName: "Mallory" }, {})).rejects.toBeInstanceOf(PermissionError);
    expect((await getProfile(me.id))!.givenName).toBeNull();
    const admin = { ...(await customer()), roles: [ADMIN_ROLE] };
    await updateProfile(admin, me.id, { givenName: "Ada" }, {});
    expect((await getProfile(me.id))!.givenName).toBe("Ada");
    const [event] = await listAuditEvents({ targetId: me.id, action: "user.profile_updated" });
    expect(event).toMatchObject({ actorType: "admin", actorId: admin.id });
  });

  it("a disabled account has no profile to edit", async () => {
    const me = await customer();
    await t.db().user.update({ where: { id: me.id }, data: { disabledAt: new Date() } });
    await expect(updateProfile(me, me.id, { givenName: "Ada" }, {})).rejects.toMatchObject({ code: "not_found" });
    expect(await getClaimSource(me.id)).toBeNull();
  });
});

describe("claims from the profile (OIDC Core §5.4)", () => {
  it("each scope releases its claims; empty ones are omitted, never null", async () => {
    const me = await customer();
    await updateProfile(me, me.id, fromForm({ displayName: "Ada Lovelace", givenName: "Ada", zoneinfo: "Europe/London", phoneNumber: "+44 20 7946 0958", streetAddress: "12 St James's Sq", postalCode: "SW1Y 4JH", locality: "London", country: "GB" }), {});
    const source = (await getClaimSource(me.id))!;
    const profile = claimsForScopes(source, ["openid", "profile"]);
    expect(profile).toMatchObject({ sub: me.id, name: "Ada Lovelace", given_name: "Ada", zoneinfo: "Europe/London" });
    expect(profile).not.toHaveProperty("family_name");
    expect(profile).not.toHaveProperty("phone_number");
    expect(profile).not.toHaveProperty("email");
    expect(typeof profile.updated_at).toBe("number");
    expect(claimsForScopes(source, ["openid", "phone"])).toEqual({ sub: me.id, phone_number: "+442079460958", phone_number_verified: false });
    expect(claimsForScopes(source, ["openid", "address"]).address).toEqual({
      street_address: "12 St James's Sq",
      postal_code: "SW1Y 4JH",
      locality: "London",
      country: "GB",
      formatted: "12 St James's Sq\nSW1Y 4JH London\nGB",
    });
    expect(claimsForScopes(source, ["openid"])).toEqual({ sub: me.id });
  });

  it("the phone number is verified while it is the number of a confirmed SMS factor, and only then", async () => {
    const me = await customer();
    await updateProfile(me, me.id, { phoneNumber: "+34612345678" }, {});
    const factor = await t.db().mfaFactor.create({ data: { userId: me.id, type: "sms", label: "Phone", phone: "+34612345678" } });
    expect((await getClaimSource(me.id))!.phoneNumberVerified).toBe(false); // not confirmed yet
    await t.db().mfaFactor.update({ where: { id: factor.id }, data: { confirmedAt: new Date() } });
    expect((await getClaimSource(me.id))!.phoneNumberVerified).toBe(true);
    await updateProfile(me, me.id, { phoneNumber: "+34612345679" }, {});
    expect((await getClaimSource(me.id))!.phoneNumberVerified).toBe(false);
    expect((await t.db().mfaFactor.findUniqueOrThrow({ where: { id: factor.id } })).phone).toBe("+34612345678"); // the factor is untouched
  });
});
