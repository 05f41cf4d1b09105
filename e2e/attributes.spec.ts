// Custom attributes end to end: the administrator defines one in the console (a taken identifier and
// a pattern RE2 cannot compile refused beside their fields) and maps it to a claim for an
// application; the customer edits it in the portal (a wrong-type value refused beside its field,
// nothing saved); the application receives it in its ID token and UserInfo, fetched and
// verified by openid-client, under the attribute's read scope only.
import crypto from "node:crypto";
import { expect, test } from "@playwright/test";
import * as client from "openid-client";
import { E2E_BASE_URL, e2eListenerPort } from "./env";
import { STRONG_PASSWORD, adminPage, register, signIn, uniqueEmail } from "./helpers";
import { relyingParties } from "./relying-party";

const rps = relyingParties(e2eListenerPort(412));
test.beforeAll(rps.listen);
test.afterAll(rps.close);

test("an attribute defined in the console is edited in the portal and reaches the application through its claim mapping", async ({ page, browser }) => {
  test.setTimeout(180_000);
  const tag = crypto.randomBytes(3).toString("hex");
  const name = `shoe_size_${tag}`;
  const label = `Shoe size ${tag}`;
  const claim = `https://example.com/shoe_${tag}`;

  // The administrator defines the attribute: a reserved name is refused beside its field first.
  const admin = await adminPage(browser);
  await admin.goto("/admin/attributes");
  const define = admin.getByRole("form", { name: "Define an attribute" });
  await define.getByLabel("Identifier").fill("email");
  await define.getByLabel("Label").fill(label);
  await define.getByLabel("Type").selectOption("number");
  await define.getByRole("button", { name: "Define attribute" }).click();
  await expect(define.locator("#new-attr-name-error")).toContainText("OpenID Connect or JWT claim");
  await define.getByLabel("Identifier").fill(name);
  await define.getByLabel("Type").selectOption("number");
  await define.getByLabel("In the portal").selectOption("write");
  await define.getByLabel("Applications read it with the scope").selectOption("profile");
  await define.getByLabel("Number: minimum").fill("15");
  await define.getByLabel("Number: maximum").fill("50");
  await define.getByLabel("Number: whole numbers only").check();
  await define.getByRole("button", { name: "Define attribute" }).click();
  await expect(admin.getByText(`${name} is defined.`)).toBeVisible();
  await expect(admin.getByTestId("attribute-list")).toContainText(name);
  // The same identifier again is a field error beside it (the unique constraint decides), never an error page.
  await define.getByLabel("Identifier").fill(name);
  await define.getByLabel("Label").fill(label);
  await define.getByRole("button", { name: "Define attribute" }).click();
  await expect(define.locator("#new-attr-name-error")).toContainText("An attribute with this name exists.");
  // A pattern the linear-time engine cannot match (a lookahead) is refused beside the pattern field.
  await define.getByLabel("Identifier").fill(`${name}_code`);
  await define.getByLabel("Type").selectOption("string");
  await define.getByLabel("Text: pattern").fill("(?=A)[A-Z]+");
  await define.getByRole("button", { name: "Define attribute" }).click();
  await expect(define.locator("#new-attr-pattern-error")).toContainText("Lookahead and lookbehind are not supported");

  // An application, and its claim mapping (a registered claim is refused first).
  const rp = await rps.registerRp(`Shoe shop ${tag}`);
  await admin.goto("/admin/applications");
  await admin.getByRole("link", { name: `Shoe shop ${tag}` }).click();
  const mapping = admin.getByRole("form", { name: "Claim mapping" });
  await mapping.getByLabel("Attribute").selectOption(name);
  await mapping.getByLabel("Claim name").fill("sub");
  await mapping.getByRole("button", { name: "Save claim mapping" }).click();
  await expect(mapping.locator("#mapping-0-claim-error")).toContainText("registered");
  await mapping.getByLabel("Claim name").fill(claim);
  await mapping.getByRole("button", { name: "Save claim mapping" }).click();
  await expect(admin.getByText("Claim mapping saved.")).toBeVisible();
  // The saved row is what the page shows after a reload, with a blank row after it (adding works without
  // JavaScript); one more row can be added and removed.
  await admin.reload();
  await expect(mapping.getByRole("group", { name: "Mapping 1", exact: true }).getByLabel("Claim name")).toHaveValue(claim);
  await expect(mapping.getByRole("group", { name: "Mapping 2", exact: true }).getByLabel("Claim name")).toHaveValue("");
  await mapping.getByRole("button", { name: "Add a mapping" }).click();
  await expect(mapping.getByRole("group", { name: "Mapping 3", exact: true })).toBeVisible();
  await mapping.getByRole("button", { name: "Remove mapping 3" }).click();
  await expect(mapping.getByRole("group", { name: "Mapping 3", exact: true })).toHaveCount(0);
  await admin.context().close();

  // The customer fills it in: a wrong-type value is refused beside the field and nothing is saved.
  const email = uniqueEmail("attributes");
  await register(page, email);
  await signIn(page, email, STRONG_PASSWORD);
  await expect(page).toHaveURL(/\/account$/);
  await page.goto("/account/profile");
  const field = page.getByLabel(`${label} (optional)`);
  await page.getByLabel("Nickname").fill("ada");
  await field.fill("forty-two");
  await page.getByRole("button", { name: "Save profile" }).click();
  await expect(field).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator(`[id="field-attr.${name}-error"]`)).toContainText("Enter a number.");
  await expect(field).toHaveValue("forty-two"); // what was typed stays
  await page.reload();
  await expect(field).toHaveValue("");
  await expect(page.getByLabel("Nickname")).toHaveValue(""); // nothing was saved
  await field.fill("51");
  await page.getByRole("button", { name: "Save profile" }).click();
  await expect(page.locator(`[id="field-attr.${name}-error"]`)).toContainText("50 or less");
  await field.fill("42");
  await page.getByRole("button", { name: "Save profile" }).click();
  await expect(page.getByText("Your profile is saved.")).toBeVisible();
  await page.reload();
  await expect(field).toHaveValue("42");

  // Without JavaScript the form posts as it is, and the refusal still comes back beside the field.
  const noScript = await (await browser.newContext({ baseURL: E2E_BASE_URL, javaScriptEnabled: false })).newPage();
  await signIn(noScript, email, STRONG_PASSWORD);
  await expect(noScript).toHaveURL(/\/account$/);
  await noScript.goto("/account/profile");
  await noScript.getByLabel(`${label} (optional)`).fill("4.5");
  await noScript.getByRole("button", { name: "Save profile" }).click();
  await expect(noScript.locator(`[id="field-attr.${name}-error"]`)).toContainText("Enter a whole number.");
  await noScript.context().close();
  await page.reload();
  await expect(field).toHaveValue("42");

  // With the profile scope the application receives the claim, in the ID token and from UserInfo.
  const flow = await rps.startFlow(rp, { scope: "openid profile" });
  await page.goto(flow.url);
  await page.getByRole("button", { name: "Allow" }).click();
  const tokens = await flow.finishTokens(page);
  const claims = tokens.claims()!;
  expect(claims[claim]).toBe(42);
  const userInfo = await client.fetchUserInfo(rp, tokens.access_token, claims.sub);
  expect(userInfo[claim]).toBe(42);

  // Without it, not.
  const narrow = await rps.startFlow(rp, { scope: "openid email" });
  await page.goto(narrow.url);
  await page.getByRole("button", { name: "Allow" }).click();
  const narrowTokens = await narrow.finishTokens(page);
  expect(narrowTokens.claims()!).not.toHaveProperty(claim);
  expect(await client.fetchUserInfo(rp, narrowTokens.access_token, claims.sub)).not.toHaveProperty(claim);
});
