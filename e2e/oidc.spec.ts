// Portico as an OpenID Provider, driven by a certified relying-party library (openid-client 6)
// against the running server, with the browser for the user's part.
import crypto from "node:crypto";
import http from "node:http";
import { expect, test, type Page } from "@playwright/test";
import * as client from "openid-client";
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { E2E_ADMIN, E2E_BASE_URL, E2E_REGISTRATION_TOKEN, e2eListenerPort } from "./env";
import { STRONG_PASSWORD, register, signIn, signInAsAdmin, uniqueEmail, verifyEmailAddress } from "./helpers";
import { relyingParties } from "./relying-party";

const ISSUER = new URL(E2E_BASE_URL);
const PORT_A = e2eListenerPort(501);
const PORT_B = e2eListenerPort(502);
const PORT_BACKCHANNEL = e2eListenerPort(503);
const CB_A = `http://127.0.0.1:${PORT_A}/callback`;
const CB_B = `http://127.0.0.1:${PORT_B}/callback`;
const insecure = { execute: [client.allowInsecureRequests] };

// The relying parties' callbacks: real listeners (route interception misses redirect targets).
const callbackServers: http.Server[] = [];
/** Bodies of form_post responses (OAuth 2.0 Form Post Response Mode) received by the callbacks. */
const postedCallbacks: { url: string; body: string }[] = [];
test.beforeAll(async () => {
  for (const port of [PORT_A, PORT_B]) {
    const server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        if (req.method === "POST") postedCallbacks.push({ url: `http://127.0.0.1:${port}${req.url}`, body });
        res.end("callback reached");
      });
    });
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    callbackServers.push(server);
  }
});
test.afterAll(async () => {
  await Promise.all(callbackServers.map((s) => new Promise((resolve) => s.close(resolve))));
});

/** Waits until the browser arrives at a relying party's callback and returns that URL. */
async function captureCallback(page: Page, prefix: string): Promise<() => Promise<URL>> {
  return async () => {
    await page.waitForURL((u) => u.toString().startsWith(prefix));
    return new URL(page.url());
  };
}

const atHash = (token: string) => crypto.createHash("sha256").update(token).digest().subarray(0, 16).toString("base64url");

async function registerDynamically(metadata: Partial<client.ClientMetadata>, auth?: client.ClientAuth) {
  return client.dynamicClientRegistration(ISSUER, metadata, auth, { initialAccessToken: E2E_REGISTRATION_TOKEN, ...insecure });
}

test.describe.configure({ mode: "serial" });

test("code + PKCE + nonce + state with openid-client: discovery, ID token, UserInfo, refresh rotation, introspection, revocation", async ({ page }) => {
  const email = uniqueEmail("rp");
  await register(page, email);

  const a = await registerDynamically({
    client_name: "Demo Application A",
    redirect_uris: [CB_A],
    grant_types: ["authorization_code", "refresh_token"],
    token_endpoint_auth_method: "client_secret_basic",
    id_token_signed_response_alg: "ES256",
  }, client.ClientSecretBasic());
  const meta = a.serverMetadata();
  expect(meta.issuer).toBe(E2E_BASE_URL);
  expect(meta.code_challenge_methods_supported).toEqual(["S256"]);
  expect(meta.id_token_signing_alg_values_supported).not.toContain("none");

  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(a, {
    redirect_uri: CB_A,
    scope: "openid email profile offline_access",
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state,
    nonce,
  });
  const arrived = await captureCallback(page, CB_A);
  await page.goto(url.toString());
  await expect(page).toHaveURL(/\/login/);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(STRONG_PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Demo Application A wants to access your account" })).toBeVisible();
  await expect(page.getByTestId("consent-scopes")).toContainText("See your email address");
  await page.getByRole("button", { name: "Allow" }).click();
  const callback = await arrived();
  expect(callback.searchParams.get("iss")).toBe(E2E_BASE_URL); // RFC 9207

  const tokens = await client
    .authorizationCodeGrant(a, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce })
    .catch((e) => {
      throw new Error(`token request failed: ${JSON.stringify((e as { cause?: unknown }).cause ?? e)}`);
    });
  const claims = tokens.claims()!;
  expect(claims.email).toBe(email);
  expect(claims.at_hash).toBe(atHash(tokens.access_token));
  expect(decodeProtectedHeader(tokens.id_token!)).toMatchObject({ alg: "ES256", kid: expect.any(String) });
  const info = await client.fetchUserInfo(a, tokens.access_token, claims.sub);
  expect(info).toMatchObject({ sub: claims.sub, email, email_verified: false });

  // Rotation: a new refresh token every time; the old one, replayed, revokes the grant.
  const refreshed = await client.refreshTokenGrant(a, tokens.refresh_token!);
  expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
  await expect(client.refreshTokenGrant(a, tokens.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });
  await expect(client.refreshTokenGrant(a, refreshed.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });

  // A second sign-in to A: SSO, and the consent is remembered (no screen).
  const second = client.buildAuthorizationUrl(a, { redirect_uri: CB_A, scope: "openid email", code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: "S256", state });
  await page.goto(second.toString());
  const again = await arrived();
  const t2 = await client.authorizationCodeGrant(a, again, { pkceCodeVerifier: verifier, expectedState: state });
  expect((await client.tokenIntrospection(a, t2.access_token)).active).toBe(true);
  await client.tokenRevocation(a, t2.access_token);
  expect((await client.tokenIntrospection(a, t2.access_token)).active).toBe(false);
  await expect(client.fetchUserInfo(a, t2.access_token, claims.sub)).rejects.toBeTruthy();

  // Negative cases at the token endpoint, as a relying party sees them.
  const wrongSecret = await fetch(`${E2E_BASE_URL}/oauth2/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Authorization: `Basic ${Buffer.from(`${a.clientMetadata().client_id}:wrong`).toString("base64")}` },
    body: "grant_type=refresh_token&refresh_token=whatever",
  });
  expect(wrongSecret.status).toBe(401);
  expect(wrongSecret.headers.get("www-authenticate")).toMatch(/^Basic/);
  expect(await wrongSecret.json()).toMatchObject({ error: "invalid_client" });
  await page.goto(second.toString());
  const third = await arrived();
  await expect(client.authorizationCodeGrant(a, third, { pkceCodeVerifier: client.randomPKCECodeVerifier(), expectedState: state })).rejects.toMatchObject({ error: "invalid_grant" });

  // The user withdraws the consent in the portal: A's tokens stop working and A must ask again.
  await page.goto(second.toString());
  const fourth = await arrived();
  const t4 = await client.authorizationCodeGrant(a, fourth, { pkceCodeVerifier: verifier, expectedState: state });
  expect((await client.tokenIntrospection(a, t4.access_token)).active).toBe(true);
  await page.goto("/account/apps");
  const listed = page.getByTestId("connected-apps").getByRole("listitem").filter({ hasText: "Demo Application A" });
  await expect(listed).toContainText("See your email address");
  await listed.getByRole("button", { name: "Remove access" }).click();
  await expect(page.getByTestId("no-apps")).toBeVisible();
  expect((await client.tokenIntrospection(a, t4.access_token)).active).toBe(false);
  await page.goto(second.toString());
  await expect(page.getByRole("heading", { name: "Demo Application A wants to access your account" })).toBeVisible();
});

test("application B (first-party, public) signs in without a prompt after A; prompt=none without a session", async ({ page, browser }) => {
  // The administrator registers B in the console as a first-party public client.
  await signInAsAdmin(page);
  await expect(page).toHaveURL(/\/account$/);
  await page.goto("/admin/applications/new");
  await page.getByLabel("Name").fill("Demo Application B");
  await page.getByLabel("Application type").selectOption("public");
  await page.getByLabel("Redirect URIs", { exact: true }).fill(CB_B);
  await page.getByLabel(/^Authorization code/).check();
  await page.getByLabel("First-party application (skip the consent screen)").check();
  await page.getByRole("button", { name: "Create application" }).click();
  const clientId = await page.getByTestId("created-client-id").inputValue();
  expect(clientId).toBeTruthy();
  const b = await client.discovery(ISSUER, clientId, undefined, client.None(), insecure);

  // Signed in already (as the admin): B answers straight away.
  const verifier = client.randomPKCECodeVerifier();
  const arrived = await captureCallback(page, CB_B);
  const url = client.buildAuthorizationUrl(b, { redirect_uri: CB_B, scope: "openid email", code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: "S256", state: "s-b" });
  await page.goto(url.toString());
  const tokens = await client.authorizationCodeGrant(b, await arrived(), { pkceCodeVerifier: verifier, expectedState: "s-b" });
  expect(tokens.claims()!.email).toBe(E2E_ADMIN.email);

  // Another browser, no session: prompt=none comes back with login_required, no page shown.
  const stranger = await browser.newPage();
  const strangerArrived = await captureCallback(stranger, CB_B);
  await stranger.goto(client.buildAuthorizationUrl(b, { redirect_uri: CB_B, scope: "openid", prompt: "none", state: "s-n", code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: "S256" }).toString());
  const answer = await strangerArrived();
  expect(answer.searchParams.get("error")).toBe("login_required");
  expect(answer.searchParams.get("state")).toBe("s-n");

  // An unregistered redirect_uri is never followed: Portico shows its own error page.
  await stranger.goto(client.buildAuthorizationUrl(b, { redirect_uri: "https://evil.example/cb", scope: "openid", code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: "S256" }).toString());
  await expect(stranger.getByTestId("authorize-error")).toHaveAttribute("data-reason", "invalid_redirect_uri");
  // Unsupported response_type is answered on the (valid) redirect.
  await stranger.goto(`${E2E_BASE_URL}/oauth2/authorize?client_id=${clientId}&redirect_uri=${encodeURIComponent(CB_B)}&response_type=token&scope=openid&state=s-t`);
  const implicit = await strangerArrived();
  expect(implicit.searchParams.get("error")).toBe("unsupported_response_type");
});

test("client_credentials with client_secret_post", async () => {
  // RFC 7591 §2 `scope`: the scopes this client may obtain (client_credentials asks for nothing else).
  const c = await registerDynamically({ client_name: "Backend", grant_types: ["client_credentials"], token_endpoint_auth_method: "client_secret_post", redirect_uris: [], scope: "reports:read" }, client.ClientSecretPost());
  const cfg = await client.discovery(ISSUER, c.clientMetadata().client_id, undefined, client.ClientSecretPost(c.clientMetadata().client_secret as string), insecure);
  const tokens = await client.clientCredentialsGrant(cfg, { scope: "reports:read" });
  expect(tokens.token_type.toLowerCase()).toBe("bearer");
  expect(decodeProtectedHeader(tokens.access_token).typ).toBe("at+jwt");
  expect((await client.tokenIntrospection(cfg, tokens.access_token)).scope).toBe("reports:read");
});

test("dynamic registration needs the initial access token", async () => {
  await expect(
    client.dynamicClientRegistration(ISSUER, { redirect_uris: [CB_A] }, undefined, { initialAccessToken: "wrong", ...insecure }),
  ).rejects.toBeTruthy();
  const res = await fetch(`${E2E_BASE_URL}/oauth2/register`, { method: "POST", headers: { "Content-Type": "application/json", Authorization: `Bearer ${E2E_REGISTRATION_TOKEN}` }, body: JSON.stringify({ redirect_uris: ["ftp://bad"] }) });
  expect(res.status).toBe(400);
  expect((await res.json()).error).toBe("invalid_redirect_uri");
});

test("logout with only client_id and a registered post_logout_redirect_uri is no open redirector", async () => {
  const c = await registerDynamically({ client_name: "Bye app", redirect_uris: [CB_A], grant_types: ["authorization_code"], post_logout_redirect_uris: [`${CB_A}/bye`] });
  const clientId = c.clientMetadata().client_id;
  const logout = await fetch(`${E2E_BASE_URL}/oauth2/logout?${new URLSearchParams({ client_id: clientId, post_logout_redirect_uri: `${CB_A}/bye` })}`, { redirect: "manual" });
  expect(logout.status).toBe(303);
  // Not on to the client's URI: to Portico's page, which asks for a click (no session here, no hint).
  const confirm = new URL(logout.headers.get("location")!, E2E_BASE_URL);
  expect(confirm.pathname).toBe("/logout/confirm");
  const page = await fetch(confirm, { redirect: "manual" });
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain("You are signed out");
  expect(html).toContain(`href="${CB_A}/bye"`);
});

test("device authorization grant (RFC 8628): the TV polls while the user approves on /device", async ({ page }) => {
  const email = uniqueEmail("tv");
  await register(page, email);
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(STRONG_PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/account$/);

  const registered = await registerDynamically(
    { client_name: "Living-room TV", grant_types: ["urn:ietf:params:oauth:grant-type:device_code", "refresh_token"], token_endpoint_auth_method: "none", redirect_uris: [] },
    client.None(),
  );
  const tv = await client.discovery(ISSUER, registered.clientMetadata().client_id, undefined, client.None(), insecure);
  const started = await client.initiateDeviceAuthorization(tv, { scope: "openid email offline_access" });
  expect(started.user_code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
  const polling = client.pollDeviceAuthorizationGrant(tv, started);

  await page.goto(started.verification_uri);
  await page.getByLabel("Code").fill(started.user_code.toLowerCase().replace("-", " "));
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByText("Living-room TV")).toBeVisible();
  await page.getByRole("button", { name: "Approve" }).click();

  const tokens = await polling;
  expect(tokens.claims()!.email).toBe(email);
  expect(tokens.refresh_token).toBeTruthy();
});

test("logout from B ends the session, and A hears it over the back channel", async ({ page }) => {
  const received: string[] = [];
  const listener = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push(body);
      res.end();
    });
  });
  await new Promise<void>((resolve) => listener.listen(PORT_BACKCHANNEL, "127.0.0.1", resolve));
  try {
    const email = uniqueEmail("slo");
    await register(page, email);
    const a = await registerDynamically(
      { client_name: "A with back-channel", redirect_uris: [CB_A], grant_types: ["authorization_code"], backchannel_logout_uri: `http://127.0.0.1:${PORT_BACKCHANNEL}/backchannel` },
      client.ClientSecretBasic(),
    );
    const b = await registerDynamically({ client_name: "B", redirect_uris: [CB_B], grant_types: ["authorization_code"], token_endpoint_auth_method: "none", post_logout_redirect_uris: [`${CB_B}/bye`] }, client.None());
    const verifier = client.randomPKCECodeVerifier();
    const challenge = await client.calculatePKCECodeChallenge(verifier);

    const arrivedA = await captureCallback(page, CB_A);
    await page.goto(client.buildAuthorizationUrl(a, { redirect_uri: CB_A, scope: "openid", code_challenge: challenge, code_challenge_method: "S256", state: "a" }).toString());
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password", { exact: true }).fill(STRONG_PASSWORD);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.getByRole("button", { name: "Allow" }).click();
    const tokensA = await client.authorizationCodeGrant(a, await arrivedA(), { pkceCodeVerifier: verifier, expectedState: "a" });

    const arrivedB = await captureCallback(page, CB_B);
    await page.goto(client.buildAuthorizationUrl(b, { redirect_uri: CB_B, scope: "openid", code_challenge: challenge, code_challenge_method: "S256", state: "b" }).toString());
    await page.getByRole("button", { name: "Allow" }).click(); // consent for B; no second sign-in
    const tokensB = await client.authorizationCodeGrant(b, await arrivedB(), { pkceCodeVerifier: verifier, expectedState: "b" });
    expect(tokensB.claims()!.sid).toBe(tokensA.claims()!.sid);

    await page.goto(client.buildEndSessionUrl(b, { id_token_hint: tokensB.id_token!, post_logout_redirect_uri: `${CB_B}/bye`, state: "bye-state" }).toString());
    await page.waitForURL((u) => u.toString().startsWith(`${CB_B}/bye`));
    expect(new URL(page.url()).searchParams.get("state")).toBe("bye-state");

    await expect.poll(() => received.length, { timeout: 20_000 }).toBeGreaterThan(0);
    const logoutToken = new URLSearchParams(received[0]).get("logout_token")!;
    const { payload, protectedHeader } = await jwtVerify(logoutToken, createRemoteJWKSet(new URL(`${E2E_BASE_URL}/oauth2/jwks`)), { issuer: E2E_BASE_URL, audience: a.clientMetadata().client_id });
    expect(protectedHeader.typ).toBe("logout+jwt");
    expect(payload.sid).toBe(tokensA.claims()!.sid);
    expect(payload.events).toHaveProperty(["http://schemas.openid.net/event/backchannel-logout"]);
    expect(payload.nonce).toBeUndefined();

    // The Portico session is gone: A's next sign-in asks for the password again.
    await page.goto(client.buildAuthorizationUrl(a, { redirect_uri: CB_A, scope: "openid", code_challenge: challenge, code_challenge_method: "S256", state: "a2" }).toString());
    await expect(page).toHaveURL(/\/login/);
  } finally {
    await new Promise((resolve) => listener.close(resolve));
  }
});

test("response_mode=form_post delivers code, state and iss in an auto-submitted form", async ({ page }) => {
  const email = uniqueEmail("formpost");
  await register(page, email);
  const a = await registerDynamically({ client_name: "Form post app", redirect_uris: [CB_A], grant_types: ["authorization_code"] }, client.ClientSecretBasic());
  const verifier = client.randomPKCECodeVerifier();
  const url = client.buildAuthorizationUrl(a, {
    redirect_uri: CB_A,
    scope: "openid email",
    response_mode: "form_post",
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state: "fp-state",
    nonce: "fp-nonce",
  });
  await page.goto(url.toString());
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(STRONG_PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.getByRole("button", { name: "Allow" }).click();
  await expect.poll(() => postedCallbacks.length, { timeout: 15_000 }).toBeGreaterThan(0);
  const posted = postedCallbacks.at(-1)!;
  const form = new URLSearchParams(posted.body);
  expect(form.get("state")).toBe("fp-state");
  expect(form.get("iss")).toBe(E2E_BASE_URL);
  const request = new Request(posted.url, { method: "POST", body: posted.body, headers: { "Content-Type": "application/x-www-form-urlencoded" } });
  const tokens = await client.authorizationCodeGrant(a, request, { pkceCodeVerifier: verifier, expectedState: "fp-state", expectedNonce: "fp-nonce" });
  expect(tokens.claims()!.email).toBe(email);
});

// --- Returning customers, and interactions bound to their browser ---------------------------------
// Each helper's own callback port (derived from the server's port, so parallel runs never collide).
const rps = relyingParties(e2eListenerPort(504));

test.describe("returning sign-ins and interaction binding", () => {
  test.beforeAll(rps.listen);
  test.afterAll(rps.close);

  test("a customer who approved a third-party application once comes back in a fresh browser, signs in, and the application receives a code", async ({ page, browser }) => {
    const email = uniqueEmail("returning");
    await register(page, email);
    const rp = await rps.registerRp("Returning Customer App");
    const first = await rps.startFlow(rp);
    await rps.signInThrough(page, first.url, email);
    await page.getByRole("button", { name: "Allow" }).click();
    expect((await first.finish(page)).email).toBe(email);

    // The session is gone (another browser); the consent is remembered, so nothing stands between
    // the sign-in and the application.
    const fresh = await (await browser.newContext({ baseURL: E2E_BASE_URL })).newPage();
    const again = await rps.startFlow(rp);
    await rps.signInThrough(fresh, again.url, email);
    expect((await again.finish(fresh)).email).toBe(email);
    await fresh.context().close();
  });

  test("a first-party application: sign-in from a fresh browser reaches the application with a code", async ({ browser }) => {
    const email = uniqueEmail("returning-1p");
    const registering = await (await browser.newContext({ baseURL: E2E_BASE_URL })).newPage();
    await register(registering, email);
    await registering.context().close();
    const rp = await rps.consoleApplication(browser, "Returning First Party", "off");
    const fresh = await (await browser.newContext({ baseURL: E2E_BASE_URL })).newPage();
    const flow = await rps.startFlow(rp);
    await rps.signInThrough(fresh, flow.url, email);
    expect((await flow.finish(fresh)).email).toBe(email);
    await fresh.context().close();
  });

  test("a returning customer signs in with a passkey from a fresh browser and the application receives a code", async ({ page, browser }) => {
    const email = uniqueEmail("returning-pk");
    await register(page, email);
    // Only a verified address may add a passkey.
    await verifyEmailAddress(page, email);
    const device = await virtualAuthenticator(page);
    await signIn(page, email, STRONG_PASSWORD);
    await expect(page).toHaveURL(/\/account$/);
    await page.goto("/account/security");
    await page.getByLabel("Passkey name").fill("Test laptop");
    await page.getByRole("button", { name: "Add a passkey" }).click();
    await expect(page.getByText("Your passkey is added")).toBeVisible();
    const [credential] = await device.credentials();

    // Approved once, from the browser that is signed in.
    const rp = await rps.registerRp("Returning Passkey App");
    const first = await rps.startFlow(rp);
    await page.goto(first.url);
    await page.getByRole("button", { name: "Allow" }).click();
    expect((await first.finish(page)).email).toBe(email);

    // A fresh browser holding a copy of the passkey: the login page's autofill request finds it and
    // signs in without a click. (Adding the copy after the page opened races the autofill request
    // against the button; the button alone is covered in passkeys.spec.ts.)
    const fresh = await (await browser.newContext({ baseURL: E2E_BASE_URL })).newPage();
    const freshDevice = await virtualAuthenticator(fresh);
    await freshDevice.addCredential(credential!);
    const again = await rps.startFlow(rp);
    await fresh.goto(again.url);
    const claims = await again.finish(fresh);
    expect(claims.email).toBe(email);
    expect(claims.amr).toContain("hwk");
    await fresh.context().close();
  });

  test("consent bypass through a shared interaction: an interaction approved in the attacker's browser is refused in the victim's, with no redirect and no grant", async ({ browser }) => {
    const attacker = await (await browser.newContext({ baseURL: E2E_BASE_URL })).newPage();
    const victim = await (await browser.newContext({ baseURL: E2E_BASE_URL })).newPage();
    const attackerEmail = uniqueEmail("attacker");
    const victimEmail = uniqueEmail("victim");
    await register(attacker, attackerEmail);
    await register(victim, victimEmail);
    await signIn(victim, victimEmail, STRONG_PASSWORD);
    await expect(victim).toHaveURL(/\/account$/);

    // The attacker's own client: the attacker starts a request, signs in, reaches the consent screen
    // and approves it without following the answer (the interaction stays unused).
    const rp = await rps.registerRp("Attacker's App");
    const flow = await rps.startFlow(rp);
    await rps.signInThrough(attacker, flow.url, attackerEmail);
    await expect(attacker).toHaveURL(/\/consent\?interaction=/);
    const interaction = new URL(attacker.url()).searchParams.get("interaction")!;
    const decision = await attacker.request.post("/consent/decision", {
      form: { interaction, decision: "allow" },
      headers: { Origin: E2E_BASE_URL },
      maxRedirects: 0,
    });
    expect(decision.status()).toBe(303);

    // The victim opens the link: refused on Portico's own error page, never sent to the application.
    await victim.goto(`/oauth2/authorize?interaction=${interaction}`);
    await expect(victim.getByTestId("authorize-error")).toBeVisible();
    expect(victim.url().startsWith(rps.callback)).toBe(false);
    await victim.goto("/account/apps");
    await expect(victim.getByTestId("no-apps")).toBeVisible();

    // The victim's browser cannot approve it either: the consent screen is not shown for it.
    await victim.goto(`/consent?interaction=${interaction}`);
    await expect(victim.getByTestId("authorize-error")).toBeVisible();
    await attacker.context().close();
    await victim.context().close();
  });
});

async function virtualAuthenticator(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable", { enableUI: false });
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  type Credential = { credentialId: string; isResidentCredential: boolean; rpId: string; privateKey: string; userHandle: string; signCount: number };
  return {
    credentials: async () => (await cdp.send("WebAuthn.getCredentials", { authenticatorId })).credentials as Credential[],
    addCredential: (credential: Credential) => cdp.send("WebAuthn.addCredential", { authenticatorId, credential }),
  };
}
