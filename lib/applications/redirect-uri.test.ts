import { describe, expect, it } from "vitest";
import { matchRedirectUri, uriProblem } from "./redirect-uri";

describe("matchRedirectUri: exact match", () => {
  const registered = ["https://app.example.com/callback", "https://app.example.com/cb?tenant=1", "com.example.app:/oauth2redirect"];

  it("matches a registered URI exactly", () => {
    expect(matchRedirectUri(registered, "https://app.example.com/callback")).toBe(true);
    expect(matchRedirectUri(registered, "https://app.example.com/cb?tenant=1")).toBe(true);
    expect(matchRedirectUri(registered, "com.example.app:/oauth2redirect")).toBe(true);
  });

  it.each([
    ["a trailing slash", "https://app.example.com/callback/"],
    ["a different path", "https://app.example.com/callback2"],
    ["a prefix of the path", "https://app.example.com/call"],
    ["a sub-path", "https://app.example.com/callback/evil"],
    ["another case in the path", "https://app.example.com/Callback"],
    ["another case in the host", "https://APP.example.com/callback"],
    ["another case in the scheme", "HTTPS://app.example.com/callback"],
    ["an added query", "https://app.example.com/callback?x=1"],
    ["a different query", "https://app.example.com/cb?tenant=2"],
    ["a dropped query", "https://app.example.com/cb"],
    ["a fragment", "https://app.example.com/callback#x"],
    ["an empty fragment", "https://app.example.com/callback#"],
    ["http instead of https", "http://app.example.com/callback"],
    ["an explicit default port", "https://app.example.com:443/callback"],
    ["another port", "https://app.example.com:8443/callback"],
    ["a user-info prefix", "https://app.example.com@evil.example/callback"],
    ["a dot segment", "https://app.example.com/x/../callback"],
    ["percent-encoding", "https://app.example.com/%63allback"],
    ["the empty string", ""],
  ])("refuses %s", (_why, requested) => {
    expect(matchRedirectUri(registered, requested, { nativeClient: true })).toBe(false);
  });

  it("matches nothing when nothing is registered", () => {
    expect(matchRedirectUri([], "https://app.example.com/callback")).toBe(false);
  });
});

describe("matchRedirectUri: loopback ports (RFC 8252 §7.3)", () => {
  const registered = ["http://127.0.0.1/callback", "http://[::1]:8080/cb?x=1", "http://localhost/native"];

  it.each([
    "http://127.0.0.1:51004/callback",
    "http://127.0.0.1/callback",
    "http://127.0.0.1:1/callback",
    "http://[::1]:49152/cb?x=1",
    "http://[::1]/cb?x=1",
    "http://localhost:3000/native",
  ])("accepts any port for a native (public) client: %s", (requested) => {
    expect(matchRedirectUri(registered, requested, { nativeClient: true })).toBe(true);
  });

  it("never relaxes the port for a confidential (web) client, nor by default", () => {
    expect(matchRedirectUri(registered, "http://127.0.0.1/callback", { nativeClient: false })).toBe(true);
    expect(matchRedirectUri(registered, "http://[::1]:8080/cb?x=1", { nativeClient: false })).toBe(true);
    for (const requested of ["http://127.0.0.1:51004/callback", "http://[::1]:49152/cb?x=1", "http://[::1]/cb?x=1", "http://localhost:3000/native"]) {
      expect(matchRedirectUri(registered, requested, { nativeClient: false }), requested).toBe(false);
      expect(matchRedirectUri(registered, requested), requested).toBe(false);
    }
  });

  it.each([
    ["another path", "http://127.0.0.1:51004/callback/"],
    ["another path case", "http://127.0.0.1:51004/Callback"],
    ["another query", "http://[::1]:49152/cb?x=2"],
    ["no query", "http://[::1]:49152/cb"],
    ["another loopback host", "http://localhost:51004/callback"],
    ["127.0.0.1 for [::1]", "http://127.0.0.1:8080/cb?x=1"],
    ["https for http", "https://127.0.0.1:51004/callback"],
    ["a fragment", "http://127.0.0.1:51004/callback#frag"],
    ["user info", "http://127.0.0.1:80@evil.example/callback"],
    ["an out-of-range port", "http://127.0.0.1:70000/callback"],
    ["an empty port", "http://127.0.0.1:/callback"],
    ["a non-canonical loopback spelling", "http://127.1:5000/callback"],
    ["an uppercase scheme", "HTTP://127.0.0.1:5000/callback"],
  ])("refuses %s", (_why, requested) => {
    expect(matchRedirectUri(registered, requested, { nativeClient: true })).toBe(false);
  });

  it("does not relax ports for non-loopback http or https", () => {
    expect(matchRedirectUri(["https://app.example.com/cb"], "https://app.example.com:444/cb", { nativeClient: true })).toBe(false);
    expect(matchRedirectUri(["http://192.168.1.2/cb"], "http://192.168.1.2:81/cb", { nativeClient: true })).toBe(false);
  });
});

describe("uriProblem: what may be registered", () => {
  it.each([
    "https://app.example.com/callback",
    "https://app.example.com:8443/cb?x=1",
    "http://127.0.0.1/cb",
    "http://127.0.0.1:8080/cb",
    "http://[::1]/cb",
    "http://localhost:3000/cb",
    "com.example.app:/oauth2redirect",
    "com.example.app://callback",
  ])("accepts %s as a redirect URI", (uri) => {
    expect(uriProblem(uri, "redirect")).toBeNull();
  });

  it.each([
    ["http on a public host", "http://app.example.com/cb"],
    ["http on a private address", "http://192.168.1.2/cb"],
    ["a non-canonical loopback", "http://127.1/cb"],
    ["a fragment", "https://app.example.com/cb#x"],
    ["an empty fragment", "https://app.example.com/cb#"],
    ["a relative URI", "/callback"],
    ["no scheme", "app.example.com/callback"],
    ["javascript:", "javascript:alert(1)"],
    ["data:", "data:text/html,hi"],
    ["a scheme without a dot", "myapp:/callback"],
    ["nothing after the scheme", "com.example.app:"],
    ["user info", "https://user:pw@app.example.com/cb"],
    ["spaces", "https://app.example.com/a b"],
    ["a control character", "https://app.example.com/cb\u0000"],
    ["an over-long URI", `https://app.example.com/${"a".repeat(2000)}`],
    ["the empty string", ""],
  ])("refuses %s", (_why, uri) => {
    expect(uriProblem(uri, "redirect")).toMatch(/\S/);
  });

  it("allows only https (or loopback http) for back-channel logout, and only https for logos", () => {
    expect(uriProblem("https://rp.example.com/logout", "https-or-loopback")).toBeNull();
    expect(uriProblem("http://127.0.0.1:4000/logout", "https-or-loopback")).toBeNull();
    expect(uriProblem("com.example.app:/logout", "https-or-loopback")).not.toBeNull();
    expect(uriProblem("http://rp.example.com/logout", "https-or-loopback")).not.toBeNull();
    expect(uriProblem("https://cdn.example.com/logo.png", "https")).toBeNull();
    expect(uriProblem("http://127.0.0.1/logo.png", "https")).not.toBeNull();
  });
});
