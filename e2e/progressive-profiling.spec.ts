// Progressive profiling end to end: the administrator requires a custom attribute for one
// application; the customer's authorization-code flow is interrupted by the hosted page, which
// refuses a wrong value beside its field (with and without JavaScript) and, given a right one,
// continues to the application, whose ID token carries the attribute through its claim mapping;
// made optional, it can be skipped and is not asked again within the interval; a consent purpose
// offered on the same page is given there and shows in the portal.
import crypto from "node:crypto";
import { expect, test } from "@playwright/test";
import { E2E_BASE_URL, e2eListenerPort } from "./env";
import { STRONG_PASSWORD, adminPage, register, signIn, uniqueEmail } from "./helpers";
import { relyingParties } from "./relying-party";

const rps = relyingParties(e2eListenerPort(610));
test.beforeAll(rps.listen);
test.afterAll(rps.close);

test("an application's required attribute is asked during its sign-in and reaches it as a claim", async ({ page, browser }) => {
  test.setTimeout(180_000);
  const tag = crypto.randomBytes(3).toString("hex");
  const name = `member_no_${tag}`;
  const label = `Membership number ${tag}`;
  const claim = `https://example.com/member_${tag}`;

  // The attribute, an application, its claim mapping and its profiling policy.
  const admin = await adminPage(browser);
  await admin.goto("/admin/attributes");
  const define = admin.getByRole("form", { name: "Define an attribute" });
  await define.getByLabel("Identifier").fill(name);
  await define.getByLabel("Label").fill(label);
  await define.getByLabel("Type").selectOption("number");
  await define.getByLabel("In the portal").selectOption("write");
  await define.getByLabel("Applications read it with the scope").selectOption("profile");
  await define.getByLabel("Number: minimum").fill("1");
  await define.getByLabel("Number: maximum").fill("99999");
  await define.getByLabel("Number: whole numbers only").check();
  await define.getByRole("button", { name: "Define attribute" }).click();
  await expect(admin.getByText(`${name} is defined.`)).toBeVisible();

  const rp = await rps.registerRp(`Members club ${tag}`);
  await admin.goto("/admin/applications");
  await admin.getByRole("link", { name: `Members club ${tag}` }).click();
  const mapping = admin.getByRole("form", { name: "Claim mapping" });
  await mapping.getByLabel("Attribute").selectOption(name);
  await mapping.getByLabel("Claim name").fill(claim);
  await mapping.getByRole("button", { name: "Save claim mapping" }).click();
  await expect(admin.getByText("Claim mapping saved.")).toBeVisible();
  const policy = admin.getByRole("form", { name: "Profiling policy" });
  await policy.getByLabel("Questions asked during sign-in").fill(`${name} sometimes`);
  await policy.getByRole("button", { name: "Save profiling policy" }).click();
  await expect(policy.locator("#profiling-policy-error")).toContainText("Line 1");
  await policy.getByLabel("Questions asked during sign-in").fill(`${name} required`);
  await policy.getByRole("button", { name: "Save profiling policy" }).click();
  await expect(admin.getByText("Profiling policy saved.")).toBeVisible();
  await admin.reload();
  await expect(admin.getByLabel("Questions asked during sign-in")).toHaveValue(`${name} required`);
  await admin.context().close();

  // Without JavaScript: the flow stops at the hosted page, a wrong value comes back beside its
  // field, and a right one continues (plain POSTs and 303s) to the application.
  // (Registration solves a proof of work in a script: the account is made with JavaScript.)
  const first = uniqueEmail("progressive");
  const email = uniqueEmail("progressive");
  await register(page, first);
  await register(page, email);
  const noScript = await (await browser.newContext({ baseURL: E2E_BASE_URL, javaScriptEnabled: false })).newPage();
  await signIn(noScript, first, STRONG_PASSWORD);
  await expect(noScript).toHaveURL(/\/account$/);
  const plainFlow = await rps.startFlow(rp, { scope: "openid profile" });
  await noScript.goto(plainFlow.url);
  await expect(noScript).toHaveURL(/\/login\/profile\?interaction=/);
  await noScript.getByLabel(label).fill("4.5");
  await noScript.getByRole("button", { name: "Continue" }).click();
  await expect(noScript.locator(`[id="field-attr.${name}-error"]`)).toContainText("Enter a whole number.");
  await expect(noScript.getByRole("button", { name: "Not now" })).toHaveCount(0); // required: no skipping
  await noScript.getByLabel(label).fill("7");
  await noScript.getByRole("button", { name: "Continue" }).click();
  await noScript.getByRole("button", { name: "Allow" }).click();
  expect((await plainFlow.finish(noScript))[claim]).toBe(7);
  await noScript.context().close();

  await signIn(page, email, STRONG_PASSWORD);
  await expect(page).toHaveURL(/\/account$/);

  // With JavaScript: a wrong value refused, nothing saved; a right one continues to the application.
  const flow = await rps.startFlow(rp, { scope: "openid profile" });
  await page.goto(flow.url);
  await expect(page).toHaveURL(/\/login\/profile\?interaction=/);
  await expect(page.getByRole("heading", { name: `Members club ${tag} needs a few details` })).toBeVisible();
  const field = page.getByLabel(label);
  await field.fill("forty-two");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.locator(`[id="field-attr.${name}-error"]`)).toContainText("Enter a number.");
  await expect(field).toHaveAttribute("aria-invalid", "true");
  await field.fill("4242");
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByRole("button", { name: "Allow" }).click(); // a third-party application: consent after the questions
  const claims = await flow.finish(page);
  expect(claims[claim]).toBe(4242);

  // Answered once, never asked again.
  const again = await rps.startFlow(rp, { scope: "openid profile" });
  await page.goto(again.url);
  expect((await again.finish(page))[claim]).toBe(4242);

  // Made optional, with a consent purpose offered beside it: the page offers "Not now" and an
  // unticked box; the purpose ticked and the attribute left empty, the flow continues without the
  // claim, the consent is recorded (the portal shows it), and neither is asked again.
  const purposeKey = `club-offers-${tag}`;
  const admin2 = await adminPage(browser);
  await admin2.goto("/admin/purposes");
  const purpose = admin2.getByRole("form", { name: "New purpose" });
  await purpose.getByLabel("Key").fill(purposeKey);
  await purpose.getByLabel("Name").fill(`Club offers ${tag}`);
  await purpose.getByLabel("Legal basis").selectOption("consent");
  await purpose.getByLabel("Data categories").fill("email");
  await purpose.getByLabel("Retention").fill("Until you withdraw");
  await purpose.getByLabel("Text people consent to").fill("Send me the club's offers.");
  await purpose.getByRole("button", { name: "Create purpose" }).click();
  await expect(admin2.getByText(`Purpose ${purposeKey} created (version 1).`)).toBeVisible();
  await admin2.goto("/admin/applications");
  await admin2.getByRole("link", { name: `Members club ${tag}` }).click();
  const policy2 = admin2.getByRole("form", { name: "Profiling policy" });
  await policy2.getByLabel("Questions asked during sign-in").fill(`${name} optional\npurpose ${purposeKey}`);
  await policy2.getByRole("button", { name: "Save profiling policy" }).click();
  await expect(admin2.getByText("Profiling policy saved.")).toBeVisible();
  await admin2.context().close();
  const third = await (await browser.newContext({ baseURL: E2E_BASE_URL })).newPage();
  const thirdEmail = uniqueEmail("progressive");
  await register(third, thirdEmail);
  await signIn(third, thirdEmail, STRONG_PASSWORD);
  await expect(third).toHaveURL(/\/account$/);
  const skipping = await rps.startFlow(rp, { scope: "openid profile" });
  await third.goto(skipping.url);
  await expect(third.getByLabel(`${label} (optional)`)).toBeVisible();
  await expect(third.getByRole("button", { name: "Not now" })).toBeVisible();
  const box = third.getByLabel(`I agree to Club offers ${tag}`);
  await expect(box).not.toBeChecked();
  await box.check();
  await third.getByRole("button", { name: "Continue" }).click();
  await third.getByRole("button", { name: "Allow" }).click();
  expect(await skipping.finish(third)).not.toHaveProperty(claim);
  const later = await rps.startFlow(rp, { scope: "openid profile" });
  await third.goto(later.url);
  expect(await later.finish(third)).not.toHaveProperty(claim);
  await third.goto("/account/privacy");
  await expect(third.getByTestId(`purpose-${purposeKey}`).getByTestId("consent-status")).toContainText("You agreed on");
  await third.context().close();
});
