// Applications for browser journeys: a local callback listener, applications registered
// dynamically (RFC 7591) or created by the administrator in the console, and authorization-code
// flows driven by openid-client (PKCE, nonce) whose ID token claims the tests inspect.
import http from "node:http";
import { expect, type Browser, type Page } from "@playwright/test";
import * as client from "openid-client";
import { E2E_BASE_URL, E2E_REGISTRATION_TOKEN } from "./env";
import { STRONG_PASSWORD, adminPage as signedInAdmin } from "./helpers";

/** One callback listener on `port` (each spec its own) and the helpers that use it. */
export function relyingParties(port: number) {
  const callback = `http://127.0.0.1:${port}/callback`;
  const server = http.createServer((_req, res) => res.end("callback reached"));

  const listen = () => new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));

  async function registerRp(name: string) {
    return client.dynamicClientRegistration(
      new URL(E2E_BASE_URL),
      { client_name: name, redirect_uris: [callback], grant_types: ["authorization_code"], token_endpoint_auth_method: "client_secret_basic" },
      client.ClientSecretBasic(),
      { initialAccessToken: E2E_REGISTRATION_TOKEN, execute: [client.allowInsecureRequests] },
    );
  }

  /** A first-party public application created by the administrator in the console, with an MFA policy. */
  async function consoleApplication(browser: Browser, name: string, mfaPolicy: string): Promise<client.Configuration> {
    const adminPage = await signedInAdmin(browser);
    await expect(adminPage).toHaveURL(/\/account$/);
    await adminPage.goto("/admin/applications/new");
    await adminPage.getByLabel("Name").fill(name);
    await adminPage.getByLabel("Application type").selectOption("public");
    await adminPage.getByLabel("Redirect URIs", { exact: true }).fill(callback);
    await adminPage.getByLabel(/^Authorization code/).check();
    await adminPage.getByLabel("First-party application (skip the consent screen)").check();
    await adminPage.getByLabel("Two-step verification").selectOption(mfaPolicy);
    await adminPage.getByRole("button", { name: "Create application" }).click();
    const clientId = await adminPage.getByTestId("created-client-id").inputValue();
    await adminPage.context().close();
    return client.discovery(new URL(E2E_BASE_URL), clientId, undefined, client.None(), { execute: [client.allowInsecureRequests] });
  }

  /** An authorization-code request with PKCE and nonce; `finish` waits for the callback and returns the verified ID token claims. */
  async function startFlow(rp: client.Configuration, extra: Record<string, string> = {}) {
    const verifier = client.randomPKCECodeVerifier();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(rp, {
      redirect_uri: callback,
      scope: "openid email",
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
      nonce,
      ...extra,
    });
    return {
      url: url.toString(),
      finish: async (page: Page) => (await finishTokens(page)).claims()!,
      /** The token response, for a test that also calls UserInfo with its access token. */
      finishTokens,
    };

    async function finishTokens(page: Page) {
      // The callback URL as the navigation reached it (page.url() may already name a later state).
      let reached: URL | undefined;
      await page.waitForURL((u) => {
        if (!u.toString().startsWith(callback)) return false;
        reached = new URL(u.toString());
        return true;
      });
      return client.authorizationCodeGrant(rp, reached!, { pkceCodeVerifier: verifier, expectedNonce: nonce });
    }
  }

  /** Opens an application's authorization URL and signs in with the password. */
  async function signInThrough(page: Page, url: string, email: string, password = STRONG_PASSWORD) {
    await page.goto(url);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password", { exact: true }).fill(password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
  }

  return { callback, listen, close, registerRp, consoleApplication, startFlow, signInThrough };
}
