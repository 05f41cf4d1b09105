// Two-step verification in a real browser: TOTP enrolment from the security page (codes computed
// here from the displayed key, as an authenticator app would), sign-in with the second step, a
// recovery code, and an ID token whose amr says how the user signed in (checked by openid-client).
import { expect, test, type Page } from "@playwright/test";
import { generate } from "otplib";
import { E2E_BASE_URL } from "./env";
import { relyingParties } from "./relying-party";
import { NEW_PASSWORD, STRONG_PASSWORD, readMail, readMailLink, register, verifyEmailAddress, signIn, signOut, uniqueEmail } from "./helpers";

const { startFlow, registerRp, consoleApplication, signInThrough, listen, close } = relyingParties(4514);

test.describe.configure({ mode: "serial" });

test.beforeAll(listen);
test.afterAll(close);

/** The code an authenticator app shows `stepsAhead` steps from now (the server accepts one either side). */
function totp(secret: string, stepsAhead = 0): Promise<string> {
  return generate({ secret, epoch: Math.floor(Date.now() / 1000) + stepsAhead * 30 });
}

async function enrolTotp(page: Page): Promise<{ secret: string; recoveryCodes: string[] }> {
  await page.goto("/account/security");
  await expect(page.getByTestId("two-step-status")).toContainText("Off");
  await page.getByRole("button", { name: "Set up an authenticator app" }).click();
  await expect(page.getByRole("img", { name: "QR code for your authenticator app" })).toBeVisible();
  const secret = ((await page.getByTestId("totp-secret").textContent()) ?? "").replace(/\s/g, "");
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  await page.getByLabel("Code from the app").fill("000000");
  await page.getByRole("button", { name: "Turn on" }).click();
  await expect(page.locator("#field-code-error")).toContainText("not right");
  await page.getByLabel("Code from the app").fill(await totp(secret));
  await page.getByRole("button", { name: "Turn on" }).click();
  await expect(page.getByText("Two-step verification is on")).toBeVisible();
  const recoveryCodes = (await page.getByTestId("recovery-codes").locator("li").allTextContents()).map((c) => c.trim());
  expect(recoveryCodes).toHaveLength(10);
  return { secret, recoveryCodes };
}

test("TOTP: enrol from the security page, then sign in with password + code; a wrong code is refused next to the field", async ({ page }) => {
  const email = uniqueEmail("totp");
  await register(page, email);
  await verifyEmailAddress(page, email);
  await signIn(page, email, STRONG_PASSWORD);
  await expect(page).toHaveURL(/\/account/);
  const { secret } = await enrolTotp(page);
  await page.goto("/account/security");
  await expect(page.getByTestId("two-step-status")).toContainText("On");
  await expect(page.getByTestId("recovery-codes-left")).toContainText("10 unused");

  await signOut(page);
  await signIn(page, email, STRONG_PASSWORD);
  await expect(page).toHaveURL(/\/login\/verify/);
  // The password alone opened nothing.
  await page.goto("/account");
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/login/verify");
  await page.getByLabel("Code from your authenticator app").fill("000000");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.locator("#field-code-error")).toContainText("4 attempts left");
  // The enrolment used the current step; the next step's code is within the window and unused.
  await page.getByLabel("Code from your authenticator app").fill(await totp(secret, 1));
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByTestId("account-email")).toHaveText(email);
});

test("recovery code: signs in once, the owner is told by email, and the same code fails next time; a trusted browser skips the step until forgotten", async ({ page }) => {
  const email = uniqueEmail("recovery");
  await register(page, email);
  await verifyEmailAddress(page, email);
  await signIn(page, email, STRONG_PASSWORD);
  await expect(page).toHaveURL(/\/account/);
  const { recoveryCodes } = await enrolTotp(page);
  await page.goto("/account/security");
  await signOut(page);

  await signIn(page, email, STRONG_PASSWORD);
  await expect(page).toHaveURL(/\/login\/verify/);
  await page.getByRole("link", { name: "Use a recovery code instead" }).click();
  await page.getByLabel("Recovery code").fill(recoveryCodes[0]!.toUpperCase());
  await page.getByLabel(/Trust this device for 30 days/).check();
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(/\/account$/);
  expect(await readMail(page, email, /A recovery code was used/)).toContain("9 unused codes remain");

  // This browser is trusted now: the password is enough here, until the devices are forgotten.
  await page.goto("/account");
  await signOut(page);
  await signIn(page, email, STRONG_PASSWORD);
  await expect(page).toHaveURL(/\/account$/);
  await page.goto("/account/security");
  await expect(page.getByTestId("trusted-devices")).toContainText("1 browser skip");
  await page.getByRole("button", { name: "Forget all trusted devices" }).click();
  await expect(page.getByTestId("trusted-devices")).toContainText("0 browsers");
  await signOut(page);
  await signIn(page, email, STRONG_PASSWORD);
  await expect(page).toHaveURL(/\/login\/verify/);
  await page.getByRole("link", { name: "Use a recovery code instead" }).click();
  await page.getByLabel("Recovery code").fill(recoveryCodes[0]!);
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.locator("#field-code-error")).toContainText("not right");
});

test("emailed code: never a second step for an account with an authenticator app (a stolen mailbox is not a way in)", async ({ page }) => {
  const email = uniqueEmail("emailcode");
  await register(page, email);
  await verifyEmailAddress(page, email);
  await signIn(page, email, STRONG_PASSWORD);
  await expect(page).toHaveURL(/\/account/);
  await enrolTotp(page);
  await page.goto("/account/security");
  await signOut(page);

  await signIn(page, email, STRONG_PASSWORD);
  await expect(page).toHaveURL(/\/login\/verify/);
  await expect(page.getByRole("link", { name: "Use a recovery code instead" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Email me a code instead" })).toHaveCount(0);
  // Asking for it by hand gets the authenticator app, and no code is mailed.
  await page.goto("/login/verify?method=email");
  await expect(page.getByLabel("Code from your authenticator app")).toBeVisible();
  await expect(page.getByRole("button", { name: "Email me a code" })).toHaveCount(0);
});

test("step-up: an application asking acr_values=urn:portico:acr:mfa makes a password-only session sign in again with both factors; acr and amr in the ID token (openid-client)", async ({ page, browser }) => {
  const email = uniqueEmail("stepup");
  await register(page, email);
  await verifyEmailAddress(page, email);
  // This browser's session is opened with the password alone...
  await signIn(page, email, STRONG_PASSWORD);
  await expect(page).toHaveURL(/\/account/);
  // ...and the factor is set up from another browser (a session that proves a factor becomes two-factor).
  const other = await browser.newContext({ baseURL: E2E_BASE_URL });
  const otherPage = await other.newPage();
  await signIn(otherPage, email, STRONG_PASSWORD);
  await expect(otherPage).toHaveURL(/\/account/);
  const { secret } = await enrolTotp(otherPage);
  await other.close();

  const rp = await registerRp("Payments");
  expect(rp.serverMetadata().acr_values_supported).toContain("urn:portico:acr:mfa");
  const flow = await startFlow(rp, { acr_values: "urn:portico:acr:mfa" });
  await page.goto(flow.url);
  // Signed in, but with one factor: asked to sign in again.
  await expect(page).toHaveURL(/\/login\?.*force=1/);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(STRONG_PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/login\/verify/);
  await page.getByLabel("Code from your authenticator app").fill(await totp(secret, 1));
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByRole("button", { name: "Allow" }).click();
  const claims = await flow.finish(page);
  expect(claims.email).toBe(email);
  expect(claims.acr).toBe("urn:portico:acr:mfa");
  expect(claims.amr).toEqual(["pwd", "otp", "mfa"]);
  expect(typeof claims.auth_time).toBe("number");
});

test("MFA policy 'required' set in the console: a user without a factor sets one up on the spot and arrives with two factors", async ({ page, browser }) => {
  const rp = await consoleApplication(browser, "Bank", "required");

  const email = uniqueEmail("required");
  await register(page, email);
  await verifyEmailAddress(page, email);
  const flow = await startFlow(rp);
  await signInThrough(page, flow.url, email);
  await expect(page).toHaveURL(/\/account\/security\?.*mfa=required/);
  await expect(page.getByText("requires two-step verification")).toBeVisible();
  await page.getByRole("button", { name: "Set up an authenticator app" }).click();
  const secret = ((await page.getByTestId("totp-secret").textContent()) ?? "").replace(/\s/g, "");
  await page.getByLabel("Code from the app").fill(await totp(secret));
  await page.getByRole("button", { name: "Turn on" }).click();
  await expect(page.getByTestId("recovery-codes").locator("li")).toHaveCount(10);
  await page.getByRole("link", { name: "Continue" }).click();
  const claims = await flow.finish(page);
  expect(claims.email).toBe(email);
  expect(claims.amr).toEqual(["pwd", "otp", "mfa"]);
  expect(claims.acr).toBe("urn:portico:acr:mfa");
});

test("MFA policy 'optional': offered after sign-in, 'Not now' continues to the application and is remembered for a week", async ({ page, browser }) => {
  const rp = await consoleApplication(browser, "News", "optional");
  const email = uniqueEmail("offer");
  await register(page, email);
  await verifyEmailAddress(page, email);
  const flow = await startFlow(rp);
  await signInThrough(page, flow.url, email);
  await expect(page).toHaveURL(/\/account\/security\?.*mfa=offer/);
  await page.getByRole("button", { name: "Not now" }).click();
  expect((await flow.finish(page)).amr).toEqual(["pwd"]);
  // Not asked again: the next sign-in goes straight through.
  const again = await startFlow(rp);
  await page.goto(again.url);
  expect((await again.finish(page)).email).toBe(email);
});

test("password reset evicts an intruder: the reset page lists the recently added authenticator app, removes it, and the owner is mailed", async ({ page }) => {
  const email = uniqueEmail("evict");
  await register(page, email);
  await verifyEmailAddress(page, email);
  await signIn(page, email, STRONG_PASSWORD);
  await expect(page).toHaveURL(/\/account/);
  await enrolTotp(page); // as if someone with the password had added it
  await page.goto("/account/security");
  await signOut(page);

  await page.goto("/forgot-password");
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await page.goto(await readMailLink(page, email, /Reset your Portico password/));
  await expect(page.getByText(/added to your account recently .* will be removed/)).toBeVisible();
  await expect(page.getByRole("listitem").filter({ hasText: "Authenticator app" })).toBeVisible();
  await page.getByLabel("New password").fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect(page.getByText(/We removed: Authenticator app, Recovery codes/)).toBeVisible();
  expect(await readMail(page, email, /A sign-in method was removed/)).toContain("Authenticator app");

  // The password alone signs in again: the app is gone.
  await signIn(page, email, NEW_PASSWORD);
  await expect(page).toHaveURL(/\/account$/);
  await page.goto("/account/security");
  await expect(page.getByTestId("two-step-status")).toContainText("Off");
});
