// The customer's copy of their data in a real browser: asked for on "Your data", prepared by the
// outbox in the background (the e2e server polls every 2 s), then downloaded as a JSON attachment
// that holds this account's data. Refused and expired links are tested in lib/privacy and in
// lib/http/endpoints/data-export.test.ts.
import fs from "node:fs/promises";
import { expect, test } from "@playwright/test";
import { STRONG_PASSWORD, register, signIn, uniqueEmail } from "./helpers";

test("prepare my data, wait for the link, download the archive: it holds the account, the profile and the sign-in", async ({ page }) => {
  const email = uniqueEmail("export");
  await register(page, email);
  await signIn(page, email, STRONG_PASSWORD);
  await expect(page).toHaveURL(/\/account$/);

  await page.getByRole("link", { name: "Profile" }).click();
  await page.getByLabel("Nickname").fill("Countess");
  await page.getByRole("button", { name: "Save profile" }).click();
  await expect(page.getByText("Your profile is saved.")).toBeVisible();

  await page.getByRole("link", { name: "Your data" }).click();
  await expect(page).toHaveURL(/\/account\/data$/);
  await expect(page.getByRole("heading", { name: "Your data" })).toBeVisible();
  await page.getByRole("button", { name: "Prepare my data" }).click();
  await expect(page.getByText("We are preparing your copy.")).toBeVisible();

  // The page refreshes itself while the copy is being prepared; the link appears when it is ready.
  const link = page.getByRole("link", { name: "Download" });
  await expect(link).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole("button", { name: "Prepare my data" })).toBeEnabled();

  const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
  expect(download.suggestedFilename()).toMatch(/^portico-export-\d{4}-\d{2}-\d{2}\.json$/);
  const archive = JSON.parse(await fs.readFile((await download.path())!, "utf8"));
  expect(archive.format).toBe("portico-export/1");
  expect(archive.account).toMatchObject({ email, displayName: "Ada Lovelace", status: "active" });
  expect(archive.profile).toMatchObject({ nickname: "Countess", name: "Ada Lovelace" });
  expect(archive.signInMethods.password).toMatchObject({ set: true });
  expect(archive.sessions.length).toBeGreaterThanOrEqual(1);
  const actions: string[] = archive.activity.map((a: { action: string }) => a.action);
  expect(actions).toEqual(expect.arrayContaining(["login.succeeded", "user.profile_updated", "user.export_requested", "user.registered"]));
  expect(archive.activity.find((a: { action: string }) => a.action === "login.succeeded")).toMatchObject({ title: "Signed in", device: "Chrome on Linux" });
  expect(JSON.stringify(archive)).not.toContain("$argon2id");

  // The same link answers the headers a browser needs to save it and nothing needs to cache it.
  const res = await page.request.get((await link.getAttribute("href"))!);
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toBe("application/json; charset=utf-8");
  expect(res.headers()["content-disposition"]).toMatch(/^attachment; filename="portico-export-/);
  expect(res.headers()["cache-control"]).toBe("no-store");

  // The download is in the customer's own activity, in words.
  await page.getByRole("link", { name: "Activity" }).click();
  await expect(page.getByTestId("activity-entry").first()).toContainText("A copy of your data was downloaded");
});
