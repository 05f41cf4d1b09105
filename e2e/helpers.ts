import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, type Browser, type Page } from "@playwright/test";
import { generate } from "otplib";
import { E2E_ADMIN, E2E_BASE_URL, E2E_PORT } from "./env";

export const uniqueEmail = (tag: string) => `${tag}-${crypto.randomBytes(4).toString("hex")}@example.test`;
export const STRONG_PASSWORD = "lantern orchard violet 42";
export const NEW_PASSWORD = "quiet harbour maple 2077";

/**
 * Opens the newest dev-outbox message to `to` whose subject matches, and returns its text part.
 * /dev/mail is an administrator's page: it is read in the administrator's own browser context (one
 * per browser, signed in once with password and authenticator app), not in `page`, which is left
 * where it was.
 */
export async function readMail(page: Page, to: string, subject: RegExp): Promise<string> {
  const mail = await adminMailPage(page);
  let text = "";
  await expect(async () => {
    await mail.goto(`/dev/mail?to=${encodeURIComponent(to)}`);
    if (new URL(mail.url()).pathname === "/login") await signInAsAdmin(mail, { from: "here" }); // its session ended
    await mail.getByRole("link", { name: subject }).first().click({ timeout: 2_000 });
    text = (await mail.getByTestId("mail-text").textContent()) ?? "";
    expect(text).not.toBe("");
  }).toPass({ timeout: 30_000 });
  return text;
}

/** The first link in that message. */
export async function readMailLink(page: Page, to: string, subject: RegExp): Promise<string> {
  const link = (await readMail(page, to, subject)).match(/https?:\/\/\S+/)?.[0];
  expect(link, `a link in the mail "${subject}" to ${to}`).toBeTruthy();
  return link!;
}

export async function signIn(page: Page, email: string, password: string) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

export async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
}

/**
 * Registers through the form. `purposes`: the names of the purposes offered at registration to
 * tick; each box must be there and unticked first (never pre-ticked), the others stay unticked.
 */
export async function register(page: Page, email: string, password = STRONG_PASSWORD, displayName = "Ada Lovelace", options: { purposes?: string[] } = {}) {
  await page.goto("/register");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Display name (optional)").fill(displayName);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByLabel(/I accept the/).check();
  for (const name of options.purposes ?? []) {
    const box = page.getByRole("checkbox", { name: `I agree to ${name}`, exact: true });
    await expect(box).not.toBeChecked();
    await box.check();
  }
  // The proof-of-work widget solves in the background and fills the hidden `altcha` field.
  await expect(page.locator('input[name="altcha"]')).toHaveValue(/.+/, { timeout: 20_000 });
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText(`We sent a link to ${email}`)).toBeVisible();
}

// --- The administrator: password + authenticator app (the console and /dev/mail need both) ----------

/**
 * The bootstrap administrator's TOTP seed and the last time step used, shared by every spec of one
 * run (playwright.config.ts sets E2E_RUN_ID once for the runner and its workers).
 */
const ADMIN_STATE = path.join(os.tmpdir(), `portico-e2e-admin-${E2E_PORT}-${process.env.E2E_RUN_ID ?? "local"}.json`);
type AdminState = { secret: string; lastStep: number };

const readAdminState = (): AdminState | null => (fs.existsSync(ADMIN_STATE) ? (JSON.parse(fs.readFileSync(ADMIN_STATE, "utf8")) as AdminState) : null);
const writeAdminState = (state: AdminState) => fs.writeFileSync(ADMIN_STATE, JSON.stringify(state), { mode: 0o600 });

/**
 * A code the server has not accepted yet: it refuses any step at or before the last one used and
 * accepts one step either side of now, so the next step is used early when this one is spent, and
 * the test waits only when both are.
 */
export async function adminTotpCode(): Promise<string> {
  const state = readAdminState();
  if (!state) throw new Error("the administrator has no authenticator app yet (signInAsAdmin enrols one)");
  const nowStep = () => Math.floor(Date.now() / 30_000);
  const step = Math.max(nowStep(), state.lastStep + 1);
  while (step > nowStep() + 1) await new Promise((r) => setTimeout(r, 1_000));
  writeAdminState({ ...state, lastStep: step });
  return generate({ secret: state.secret, epoch: step * 30 });
}

/** Sets up the authenticator app on the security page (the administrator must be signed in there). */
export async function enrolAdminTotp(page: Page): Promise<void> {
  await page.goto("/account/security");
  await page.getByRole("button", { name: /Set up an authenticator app|Add another authenticator app/ }).click();
  const secret = ((await page.getByTestId("totp-secret").textContent()) ?? "").replace(/\s/g, "");
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  writeAdminState({ secret, lastStep: 0 });
  await page.getByLabel("Code from the app").fill(await adminTotpCode());
  await page.getByRole("button", { name: "Turn on" }).click();
  await expect(page.getByText("Two-step verification is on")).toBeVisible();
}

/** The second step of the administrator's sign-in, on /login/verify. */
export async function completeAdminSecondStep(page: Page): Promise<void> {
  await expect(page).toHaveURL(/\/login\/verify/);
  await page.getByLabel("Code from your authenticator app").fill(await adminTotpCode());
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).not.toHaveURL(/\/login/);
}

/**
 * Signs the bootstrap administrator in with password and authenticator app (enrolling one the first
 * time: a password-only administrator is first sent to set one up). `from: "here"` fills the sign-in
 * form the page already shows (keeping its `next`), else it starts at /login.
 */
export async function signInAsAdmin(page: Page, opts: { from?: "here" } = {}): Promise<void> {
  if (opts.from !== "here") await page.goto("/login");
  await page.getByLabel("Email").fill(E2E_ADMIN.email);
  await page.getByLabel("Password", { exact: true }).fill(E2E_ADMIN.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  if (readAdminState()) return completeAdminSecondStep(page);
  await expect(page).not.toHaveURL(/\/login/);
  // The first time: the password alone does not open the console; it sends the administrator to set up a strong factor.
  await page.goto("/admin");
  await expect(page).toHaveURL(/\/account\/security\?mfa=admin/);
  await expect(page.getByText("The admin console needs two-step verification with an authenticator app or a passkey")).toBeVisible();
  await enrolAdminTotp(page);
  await page.goto("/account");
}

/** A new browser context with the administrator signed in (password + authenticator app). */
export async function adminPage(browser: Browser): Promise<Page> {
  const page = await (await browser.newContext({ baseURL: E2E_BASE_URL })).newPage();
  await signInAsAdmin(page);
  return page;
}

/** One signed-in administrator context per browser, kept for reading the dev outbox. */
const mailPages = new WeakMap<Browser, Promise<Page>>();
function adminMailPage(page: Page): Promise<Page> {
  const browser = page.context().browser();
  if (!browser) throw new Error("readMail needs a page from a browser (not a persistent context)");
  let mail = mailPages.get(browser);
  if (!mail) {
    mail = adminPage(browser);
    mail.catch(() => mailPages.delete(browser));
    mailPages.set(browser, mail);
  }
  return mail;
}

/**
 * Proves a refused form sent nothing: after the outbox's poll, the dev outbox holds no mail to
 * `address`, read by the administrator (the outbox is theirs; an anonymous browser sees nothing
 * whatever happened).
 */
export async function expectNoMailTo(browser: Browser, address: string) {
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const admin = await adminPage(browser);
  await admin.goto(`/dev/mail?to=${encodeURIComponent(address)}`);
  await expect(admin.getByRole("heading", { name: "Dev outbox" })).toBeVisible();
  await expect(admin.getByTestId("outbox-item")).toHaveCount(0);
  await admin.context().close();
}

/** Opens the verification link the registration mailed: factors are enrolled only on a verified address. */
export async function verifyEmailAddress(page: Page, email: string) {
  await page.goto(await readMailLink(page, email, /Verify your email/));
  await page.getByRole("button", { name: "Verify my email" }).click();
  await expect(page.getByText(`${email} is verified`)).toBeVisible();
}
