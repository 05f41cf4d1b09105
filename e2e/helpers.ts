import crypto from "node:crypto";
import { expect, type Page } from "@playwright/test";

export const uniqueEmail = (tag: string) => `${tag}-${crypto.randomBytes(4).toString("hex")}@example.test`;
export const STRONG_PASSWORD = "lantern orchard violet 42";
export const NEW_PASSWORD = "quiet harbour maple 2077";

/** Opens the newest dev-outbox message to `to` whose subject matches, and returns its text part. */
export async function readMail(page: Page, to: string, subject: RegExp): Promise<string> {
  let text = "";
  await expect(async () => {
    await page.goto(`/dev/mail?to=${encodeURIComponent(to)}`);
    await page.getByRole("link", { name: subject }).first().click({ timeout: 2_000 });
    text = (await page.getByTestId("mail-text").textContent()) ?? "";
    expect(text).not.toBe("");
  }).toPass({ timeout: 15_000 });
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

export async function register(page: Page, email: string, password = STRONG_PASSWORD, displayName = "Ada Lovelace") {
  await page.goto("/register");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Display name (optional)").fill(displayName);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByLabel(/I accept the/).check();
  // The proof-of-work widget solves in the background and fills the hidden `altcha` field.
  await expect(page.locator('input[name="altcha"]')).toHaveValue(/.+/, { timeout: 20_000 });
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText(`We sent a link to ${email}`)).toBeVisible();
}

/** Opens the verification link the registration mailed: factors are enrolled only on a verified address. */
export async function verifyEmailAddress(page: Page, email: string) {
  await page.goto(await readMailLink(page, email, /Verify your email/));
  await page.getByRole("button", { name: "Verify my email" }).click();
  await expect(page.getByText(`${email} is verified`)).toBeVisible();
}
