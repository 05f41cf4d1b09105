// The risk engine in a real browser. The server runs with TRUST_PROXY=1, so X-Forwarded-For is
// the client's address: each browser here forges a public one (Madrid, Tokyo, a deny-listed
// range), which the offline geo-IP database places on the map.
import { expect, test, type Browser, type Page } from "@playwright/test";
import { generate } from "otplib";
import { E2E_BASE_URL } from "./env";
import { STRONG_PASSWORD, adminPage, readMail, register, signIn, uniqueEmail, verifyEmailAddress } from "./helpers";

const MADRID = "81.45.3.1";
const TOKYO = "1.0.16.1";

test.describe.configure({ mode: "serial" });

async function browserAt(browser: Browser, ip: string): Promise<Page> {
  const context = await browser.newContext({ baseURL: E2E_BASE_URL, extraHTTPHeaders: { "x-forwarded-for": ip } });
  return context.newPage();
}

async function mailbox(browser: Browser): Promise<Page> {
  return (await browser.newContext({ baseURL: E2E_BASE_URL })).newPage();
}

test("a new device asks for a second factor (an emailed code); the owner's 'this wasn't me' locks the account and ends its sessions", async ({ browser }) => {
  const email = uniqueEmail("risk-new-device");
  const home = await browserAt(browser, MADRID);
  await register(home, email);
  await signIn(home, email, STRONG_PASSWORD);
  // The account's first sign-in: nothing to compare with, so nothing to ask.
  await expect(home).toHaveURL(/\/account$/);

  const intruder = await browserAt(browser, MADRID);
  await signIn(intruder, email, STRONG_PASSWORD);
  await expect(intruder).toHaveURL(/\/login\/verify/);
  await intruder.getByRole("button", { name: "Email me a code" }).click();
  await expect(intruder.getByText(/We sent a code to/)).toBeVisible();
  const mail = await mailbox(browser);
  const code = (await readMail(mail, email, /is your Portico sign-in code/)).match(/finish signing in: (\d{6})/)![1]!;
  await intruder.getByLabel("Code from the email").fill(code);
  await intruder.getByRole("button", { name: "Continue" }).click();
  await expect(intruder).toHaveURL(/\/account$/);

  // The owner hears of the new device, and says it was not them.
  const notice = await readMail(mail, email, /New sign-in to your Portico account/);
  expect(notice).toContain("Chrome on Linux");
  const notMe = notice.match(/https?:\/\/\S+\/not-me\?token=[A-Za-z0-9_-]+/)![0];
  await home.goto(notMe);
  await home.getByRole("button", { name: "Lock my account" }).click();
  await expect(home.getByText("Your account is locked and every session has ended")).toBeVisible();
  await intruder.goto("/account");
  await expect(intruder).toHaveURL(/\/login/);
  await signIn(intruder, email, STRONG_PASSWORD);
  await expect(intruder.getByText("This account is locked")).toBeVisible();
});

test("from far away minutes later (impossible travel): only a strong factor will do, and the alert reaches the console", async ({ browser }) => {
  const email = uniqueEmail("risk-travel");
  const home = await browserAt(browser, MADRID);
  await register(home, email);
  await verifyEmailAddress(home, email);
  await signIn(home, email, STRONG_PASSWORD);
  await expect(home).toHaveURL(/\/account$/);
  await home.goto("/account/security");
  await home.getByRole("button", { name: "Set up an authenticator app" }).click();
  const secret = ((await home.getByTestId("totp-secret").textContent()) ?? "").replace(/\s/g, "");
  await home.getByLabel("Code from the app").fill(await generate({ secret }));
  await home.getByRole("button", { name: "Turn on" }).click();
  await expect(home.getByText("Two-step verification is on")).toBeVisible();

  const tokyo = await browserAt(browser, TOKYO);
  await signIn(tokyo, email, STRONG_PASSWORD);
  await expect(tokyo).toHaveURL(/\/login\/verify/);
  // High risk: the emailed code is not offered, the authenticator app is.
  await expect(tokyo.getByRole("link", { name: "Email me a code instead" })).toHaveCount(0);
  await tokyo.getByLabel("Code from your authenticator app").fill(await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 }));
  await tokyo.getByRole("button", { name: "Continue" }).click();
  await expect(tokyo).toHaveURL(/\/account$/);

  const admin = await adminPage(browser);
  await expect(admin).toHaveURL(/\/account$/);
  await admin.goto("/admin/risk");
  await expect(admin.getByTestId("risk-alerts")).toContainText(/impossible travel from .+, ES to .+, JP/);
  await expect(admin.getByTestId("risk-alerts")).toContainText(email);
});

test("a deny-listed address gets the generic refusal, whatever the password; a simulated rule shows its effect first", async ({ browser }) => {
  const admin = await adminPage(browser);
  await expect(admin).toHaveURL(/\/account$/);
  await admin.goto("/admin/risk");
  const ipForm = admin.getByRole("form", { name: "Add to an IP list" });
  await ipForm.getByLabel("Addresses and ranges").fill("203.0.113.0/24\nnot-an-address");
  await ipForm.getByLabel("Note").fill("e2e");
  await ipForm.getByRole("button", { name: "Add", exact: true }).click();
  await expect(ipForm.getByText("1 added to the deny list. Skipped (not addresses or ranges): not-an-address")).toBeVisible();
  await expect(admin.getByRole("list", { name: "Deny list" })).toContainText("203.0.113.0/24");

  // This user's password will turn up in a breach below (not STRONG_PASSWORD: other journeys use it).
  const breached = "quiet lantern breach 2026";
  const email = uniqueEmail("risk-denied");
  const ok = await browserAt(browser, MADRID);
  await register(ok, email, breached);
  const denied = await browserAt(browser, "203.0.113.50");
  await signIn(denied, email, breached);
  await expect(denied.getByText("We could not sign you in. If this keeps happening, contact support.")).toBeVisible();
  await expect(denied).toHaveURL(/\/login/);
  // Same answer with a wrong password: the address learns nothing.
  await signIn(denied, email, "wrong password for sure");
  await expect(denied.getByText("We could not sign you in.", { exact: false })).toBeVisible();

  // A list imported as a file (a Tor exit list, say) works the same way.
  await ipForm.getByLabel("Or import a file").setInputFiles({ name: "tor-exits.txt", mimeType: "text/plain", buffer: Buffer.from("# exit nodes\n198.51.100.23\n") });
  await ipForm.getByRole("button", { name: "Add", exact: true }).click();
  await expect(ipForm.getByText("1 added to the deny list.")).toBeVisible();
  await expect(admin.getByRole("list", { name: "Deny list" })).toContainText("198.51.100.23/32");

  // A password on an imported breach list opens nothing until it is replaced.
  const compromisedForm = admin.getByRole("form", { name: "Import compromised passwords" });
  await compromisedForm.getByLabel("Passwords or SHA-1 hashes").fill(breached);
  await compromisedForm.getByRole("button", { name: "Import", exact: true }).click();
  await expect(compromisedForm.getByText(/1 new compromised passwords imported/)).toBeVisible();
  await signIn(ok, email, breached);
  await expect(ok.getByText("This password is on a list of passwords known to attackers")).toBeVisible();
  expect(await readMail(await mailbox(browser), email, /Reset your Portico password/)).toMatch(/reset-password\?token=/);

  // A rule is tried on past sign-ins before it is published.
  const ruleForm = admin.getByRole("form", { name: "New rule" });
  await ruleForm.getByLabel("Rule name").fill("Deny Japan");
  await ruleForm.getByLabel("Condition 1: what").selectOption("country");
  await ruleForm.getByLabel("Condition 1: comparison").selectOption("in");
  await ruleForm.getByLabel("Condition 1: value").fill("JP");
  await ruleForm.getByLabel("Then").selectOption("deny");
  await ruleForm.getByRole("button", { name: "Simulate on the last 30 days" }).click();
  await expect(ruleForm.getByTestId("simulation")).toBeVisible();
  expect(Number(await ruleForm.getByTestId("simulation-changed").textContent())).toBeGreaterThan(0);
});
