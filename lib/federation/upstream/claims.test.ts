import { describe, expect, it } from "vitest";
import { claimAt, mapUpstreamClaims } from "./claims";
import { verifiedEmailFrom } from "./oauth2";

describe("mapUpstreamClaims", () => {
  const google = {
    sub: "1098765",
    email: "  Ada@Example.COM ",
    email_verified: true,
    name: "Ada Lovelace",
    given_name: "Ada",
    family_name: "Lovelace",
    picture: "https://img.example/ada",
    locale: "en",
    phone_number: "+441234567890",
    hd: "example.com",
  };

  it("maps OpenID Connect's standard claims by name", () => {
    expect(mapUpstreamClaims(google, {}, "oidc")).toEqual({
      subject: "1098765",
      email: "ada@example.com",
      emailVerified: true,
      profile: { name: "Ada Lovelace", given_name: "Ada", family_name: "Lovelace", picture: "https://img.example/ada", locale: "en", phone_number: "+441234567890" },
    });
  });

  it("lets the connection's mapping override a field and add attributes, with dotted paths", () => {
    const fb = { id: "42", name: "Zoe", first_name: "Zoe", picture: { data: { url: "https://fb.example/z.jpg", is_silhouette: false } }, email: "zoe@example.com" };
    const m = mapUpstreamClaims(fb, { subject: "id", given_name: "first_name", picture: "picture.data.url", "attr.silhouette": "picture.data.is_silhouette" }, "oauth2");
    expect(m).toEqual({ subject: "42", email: "zoe@example.com", emailVerified: false, profile: { name: "Zoe", given_name: "Zoe", picture: "https://fb.example/z.jpg", "attr.silhouette": false } });
    expect(mapUpstreamClaims(google, { email: "hd", name: "given_name" }, "oidc")).toMatchObject({ email: null, profile: { name: "Ada" } });
  });

  it("takes a namespaced claim holding dots as one name before a path", () => {
    const claims = { "https://ns.example/dept": "R&D", https: { x: 1 } };
    expect(mapUpstreamClaims({ sub: "s", ...claims }, { "attr.dept": "https://ns.example/dept" }, "oidc").profile["attr.dept"]).toBe("R&D");
    expect(claimAt({ a: { "b.c": 1 } }, "a.b.c")).toBeUndefined();
  });

  it("keeps strings (trimmed, at most 1000 characters) and booleans for attributes only; drops the rest", () => {
    const m = mapUpstreamClaims(
      { sub: "s", name: "x".repeat(1001), given_name: "   ", family_name: 7, locale: true, picture: ["a"], flag: true, count: 3, nested: { a: 1 }, text: "  ok  " },
      { "attr.flag": "flag", "attr.count": "count", "attr.nested": "nested", "attr.text": "text", "attr.missing": "nope" },
      "oidc",
    );
    expect(m.profile).toEqual({ "attr.flag": true, "attr.text": "ok" });
    expect(mapUpstreamClaims({ sub: "s", name: "y".repeat(1000) }, {}, "oidc").profile.name).toHaveLength(1000);
  });

  it("reads email_verified as true only from true or \"true\"", () => {
    const v = (email_verified: unknown) => mapUpstreamClaims({ sub: "s", email: "a@b.example", email_verified }, {}, "oidc").emailVerified;
    expect([v(true), v("true"), v("True"), v(1), v("yes"), v(false), v(undefined)]).toEqual([true, true, false, false, false, false, false]);
  });

  it("numbers become a subject only as safe integers; anything not an address is no email", () => {
    expect(mapUpstreamClaims({ id: 583231 }, {}, "oauth2").subject).toBe("583231");
    expect(mapUpstreamClaims({ id: 1.5 }, {}, "oauth2").subject).toBeNull();
    expect(mapUpstreamClaims({ id: { x: 1 } }, {}, "oauth2").subject).toBeNull();
    expect(mapUpstreamClaims({ sub: "s".repeat(256) }, {}, "oidc").subject).toBeNull();
    expect(mapUpstreamClaims({ sub: "s", email: "not an address" }, {}, "oidc").email).toBeNull();
  });

  it("never reads inherited properties", () => {
    expect(mapUpstreamClaims({ sub: "s" }, { name: "constructor", "attr.proto": "__proto__.toString" }, "oidc").profile).toEqual({});
    expect(claimAt({}, "toString")).toBeUndefined();
  });
});

describe("verifiedEmailFrom (GitHub's /user/emails)", () => {
  it("prefers the primary verified address, else any verified one, never an unverified one", () => {
    expect(verifiedEmailFrom([{ email: "a@x.example", primary: false, verified: true }, { email: "B@x.example", primary: true, verified: true }])).toBe("b@x.example");
    expect(verifiedEmailFrom([{ email: "b@x.example", primary: true, verified: false }, { email: "c@x.example", primary: false, verified: true }])).toBe("c@x.example");
    expect(verifiedEmailFrom([{ email: "b@x.example", primary: true, verified: false }])).toBeNull();
    expect(verifiedEmailFrom({ email: "b@x.example", verified: true })).toBeNull();
    expect(verifiedEmailFrom([{ email: 12, primary: true, verified: true }, "junk", null])).toBeNull();
  });
});
