// Passkeys in a real browser: Chromium's virtual authenticator (CDP WebAuthn domain: CTAP2,
// internal transport, resident keys, user verification) stands in for a laptop's or phone's.
// The ID tokens an application receives are checked by openid-client.
import { expect, test, type Browser, type Page } from "@playwright/test";
import { E2E_BASE_URL, e2eListenerPort } from "./env";
import { STRONG_PASSWORD, register, verifyEmailAddress, signIn, signOut, uniqueEmail } from "./helpers";
import { relyingParties } from "./relying-party";

// Beside the server's port (4515 by default), so runs on other ports do not collide.
const { consoleApplication, startFlow, signInThrough, listen, close } = relyingParties(e2eListenerPort(305));

test.describe.configure({ mode: "serial" });
test.beforeAll(listen);
test.afterAll(close);

type Credential = { credentialId: string; isResidentCredential: boolean; rpId: string; privateKey: string; userHandle: string; signCount: number };

async function virtualAuthenticator(page: Page, isUserVerified = true) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable", { enableUI: false });
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified, automaticPresenceSimulation: true },
  });
  return {
    credentials: async () => (await cdp.send("WebAuthn.getCredentials", { authenticatorId })).credentials as Credential[],
    /** A copy of a passkey (the same private key) onto this authenticator. */
    addCredential: (credential: Credential) => cdp.send("WebAuthn.addCredential", { authenticatorId, credential }),
    setUserVerified: (isUserVerified: boolean) => cdp.send("WebAuthn.setUserVerified", { authenticatorId, isUserVerified }),
  };
}

/** A new account, signed in with its password, that adds a passkey from the security page. */
async function accountWithPasskey(page: Page, tag: string) {
  const device = await virtualAuthenticator(page);
  const email = uniqueEmail(tag);
  await register(page, email);
  await verifyEmailAddress(page, email);
  await signIn(page, email, STRONG_PASSWORD);
  await expect(page).toHaveURL(/\/account$/);
  await page.goto("/account/security");
  await page.getByLabel("Passkey name").fill("Test laptop");
  await page.getByRole("button", { name: "Add a passkey" }).click();
  await expect(page.getByText("Your passkey is added")).toBeVisible();
  // The first factor of the account: two-step verification is on, with recovery codes shown once.
  await expect(page.getByTestId("recovery-codes").locator("li")).toHaveCount(10);
  return { email, device };
}

test("register a passkey from the security page; after sign-out the browser's passkey autofill signs in without a password; the application sees hwk, user, mfa", async ({ page, browser }) => {
  const { email, device } = await accountWithPasskey(page, "passkey");
  const [credential] = await device.credentials();
  expect(credential).toMatchObject({ isResidentCredential: true, rpId: "localhost" });
  await page.goto("/account/security");
  await expect(page.getByRole("region", { name: "Passkeys" }).getByTestId("factor")).toContainText("Test laptop");
  await expect(page.getByTestId("two-step-status")).toContainText("On");

  // The login page starts a conditional (autofill) request; the virtual authenticator answers it
  // with the account's discoverable passkey: no email, no password.
  await signOut(page);
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByTestId("account-email")).toHaveText(email);

  const rp = await consoleApplication(browser, "Photos", "required");
  await signOut(page);
  await expect(page).toHaveURL(/\/account$/);
  const flow = await startFlow(rp, { prompt: "login" });
  await page.goto(flow.url);
  const claims = await flow.finish(page);
  expect(claims.email).toBe(email);
  expect([...(claims.amr as string[])].sort()).toEqual(["hwk", "mfa", "user"]);
  expect(claims.acr).toBe("urn:portico:acr:mfa");
});

test("the passkey button: with user verification off nothing signs in; once the device verifies the user, it does", async ({ page, browser }) => {
  const { email, device } = await accountWithPasskey(page, "passkey-uv");
  const [credential] = await device.credentials();
  // Another browser opens the login page first, then gets the passkey: its autofill request found
  // nothing to offer, so only the button can use the passkey.
  const other = await newBrowserPage(browser);
  await other.goto("/login");
  const otherDevice = await virtualAuthenticator(other, false);
  await otherDevice.addCredential(credential!);
  await other.getByRole("button", { name: "Sign in with a passkey" }).click();
  await expect(other.getByText(/No passkey was used/)).toBeVisible();
  await expect(other).toHaveURL(/\/login/);

  await otherDevice.setUserVerified(true);
  await other.getByRole("button", { name: "Sign in with a passkey" }).click();
  await expect(other).toHaveURL(/\/account$/);
  await expect(other.getByTestId("account-email")).toHaveText(email);
});

test("autofill and the button under way together: one ceremony signs in, once, and the application's code redeems", async ({ page, browser }) => {
  const { email, device } = await accountWithPasskey(page, "passkey-once");
  const [credential] = await device.credentials();
  const rp = await consoleApplication(browser, "Calendar", "default");

  // A fresh browser that holds the passkey before the login page opens: its autofill request is
  // answered at once, as a device with one passkey may answer it.
  const other = await newBrowserPage(browser);
  const otherDevice = await virtualAuthenticator(other);
  await otherDevice.addCredential(credential!);
  const signIns: string[] = [];
  other.on("request", (r) => {
    if (r.method() === "POST" && r.postData()?.includes("clientDataJSON")) signIns.push(r.url());
  });
  // The autofill's challenge is held until the button is clicked, and the button's for a second:
  // both ceremonies are under way together, whichever the browser answers first.
  let autofillAsked!: () => void;
  const asked = new Promise<void>((resolve) => (autofillAsked = resolve));
  let clicked!: () => void;
  const click = new Promise<void>((resolve) => (clicked = resolve));
  let challenges = 0;
  await other.route(
    (url) => url.pathname === "/login",
    async (route) => {
      const request = route.request();
      if (request.method() !== "POST" || request.postData()?.includes("clientDataJSON")) return route.fallback();
      if (++challenges === 1) {
        autofillAsked();
        await click;
      } else if (challenges === 2) await new Promise((resolve) => setTimeout(resolve, 1_000));
      await route.fallback();
    },
  );
  // The authorization continues only once a second sign-in, if there is one, has happened.
  await other.route("**/oauth2/authorize**", async (route) => {
    for (let waited = 0; signIns.length === 1 && waited < 3_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    await route.fallback();
  });

  const flow = await startFlow(rp);
  await other.goto(flow.url);
  await expect(other).toHaveURL(/\/login/);
  await asked;
  await other.getByRole("button", { name: "Sign in with a passkey" }).click();
  clicked();
  const claims = await flow.finish(other);
  expect(claims.email).toBe(email);
  expect(signIns).toHaveLength(1);
});

test("passkey as the second step after a password; a copy of the passkey with an older counter is blocked and shown as such", async ({ page, browser }) => {
  const { email, device } = await accountWithPasskey(page, "passkey-2fa");
  const [credential] = await device.credentials();

  // Another browser, without the passkey at first: the password leads to the second step.
  const rp = await consoleApplication(browser, "Mail", "default");
  const other = await newBrowserPage(browser);
  const flow = await startFlow(rp);
  await signInThrough(other, flow.url, email);
  await expect(other).toHaveURL(/\/login\/verify/);
  await expect(other.getByText("Use the passkey on this device")).toBeVisible();
  const otherDevice = await virtualAuthenticator(other);
  await otherDevice.addCredential(credential!);
  await other.getByRole("button", { name: "Use your passkey" }).click();
  const claims = await flow.finish(other);
  expect([...(claims.amr as string[])].sort()).toEqual(["hwk", "mfa", "pwd", "user"]);
  expect(claims.acr).toBe("urn:portico:acr:mfa");

  // A third copy made from the key as it was at registration: a correct signature with a counter
  // that went backwards means two authenticators hold one key. Refused, and the passkey blocked.
  const copy = await newBrowserPage(browser);
  await signInThrough(copy, "/login", email);
  await expect(copy).toHaveURL(/\/login\/verify/);
  const copyDevice = await virtualAuthenticator(copy);
  await copyDevice.addCredential({ ...credential!, signCount: 0 });
  await copy.getByRole("button", { name: "Use your passkey" }).click();
  await expect(copy.getByText(/may have been copied/)).toBeVisible();

  await page.goto("/account/security");
  await expect(page.getByRole("region", { name: "Passkeys" })).toContainText("Blocked: this passkey may have been copied");
});

async function newBrowserPage(browser: Browser): Promise<Page> {
  return (await browser.newContext({ baseURL: E2E_BASE_URL })).newPage();
}
