// Communication preferences in a real browser: an administrator defines a topic in the console; a
// customer finds it off by default, opts in on one channel, and sees the choice after a reload and
// in the activity; without JavaScript the same form saves too.
import crypto from "node:crypto";
import { expect, test } from "@playwright/test";
import { E2E_BASE_URL } from "./env";
import { STRONG_PASSWORD, adminPage, register, signIn, uniqueEmail } from "./helpers";

test("the administrator defines a topic; the customer opts in by email, sees it after a reload, and opts out without JavaScript", async ({ page, browser }) => {
  const key = `news-${crypto.randomBytes(3).toString("hex")}`;
  const label = `Newsletter ${key}`;
  const admin = await adminPage(browser);
  await admin.goto("/admin");
  await admin.getByRole("link", { name: "Topics" }).click();
  await expect(admin).toHaveURL(/\/admin\/preferences$/);
  const form = admin.getByRole("form", { name: "New topic" });
  await form.getByLabel("Key").fill(key);
  await form.getByLabel("Name").fill(label);
  await form.getByLabel("Description").fill("What is new, once a month.");
  await form.getByRole("checkbox", { name: "Text message" }).first().check();
  // Marketing (ticked by default) cannot be on by default: refused beside its field, nothing created.
  await form.getByRole("group", { name: /On by default/ }).getByRole("checkbox", { name: "Email" }).check();
  await form.getByRole("button", { name: "Create topic" }).click();
  await expect(form.getByText("Marketing must start opted out")).toBeVisible();
  await expect(admin.getByTestId(`admin-topic-${key}`)).toHaveCount(0);
  await form.getByRole("group", { name: /On by default/ }).getByRole("checkbox", { name: "Email" }).uncheck();
  await form.getByRole("button", { name: "Create topic" }).click();
  await expect(admin.getByText(`"${label}" is created.`)).toBeVisible();
  await expect(admin.getByTestId(`admin-topic-${key}`)).toBeVisible();
  await admin.context().close();

  const email = uniqueEmail("prefs");
  await register(page, email);
  await signIn(page, email, STRONG_PASSWORD);
  await expect(page).toHaveURL(/\/account$/);
  await page.getByRole("link", { name: "Preferences" }).click();
  await expect(page).toHaveURL(/\/account\/preferences$/);
  const topic = page.getByTestId(`topic-${key}`);
  await expect(topic.getByRole("checkbox", { name: "Email" })).not.toBeChecked();
  await expect(topic.getByRole("checkbox", { name: "Text message" })).not.toBeChecked();
  await topic.getByRole("checkbox", { name: "Email" }).check();
  await page.getByRole("button", { name: "Save preferences" }).click();
  await expect(page.getByText("Your preferences are saved.")).toBeVisible();
  await page.reload();
  await expect(page.getByTestId(`topic-${key}`).getByRole("checkbox", { name: "Email" })).toBeChecked();
  await expect(page.getByTestId(`topic-${key}`).getByRole("checkbox", { name: "Text message" })).not.toBeChecked();

  await page.getByRole("link", { name: "Activity" }).click();
  await expect(page.getByText("Communication preferences changed").first()).toBeVisible();
  await expect(page.getByText(`${label} by email: on.`)).toBeVisible();

  // Without JavaScript: the hosted sign-in and the same form, posted by the browser itself.
  const plain = await browser.newContext({ baseURL: E2E_BASE_URL, javaScriptEnabled: false });
  const noJs = await plain.newPage();
  await signIn(noJs, email, STRONG_PASSWORD);
  await expect(noJs).toHaveURL(/\/account$/);
  await noJs.goto("/account/preferences");
  await noJs.getByTestId(`topic-${key}`).getByRole("checkbox", { name: "Email" }).uncheck();
  await noJs.getByRole("button", { name: "Save preferences" }).click();
  await expect(noJs.getByText("Your preferences are saved.")).toBeVisible();
  await noJs.goto("/account/preferences");
  await expect(noJs.getByTestId(`topic-${key}`).getByRole("checkbox", { name: "Email" })).not.toBeChecked();
  await plain.close();
});
