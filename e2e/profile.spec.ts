// The customer's profile in a real browser, and what an application receives from it: the ID
// token and UserInfo, fetched and verified by openid-client (OIDC Core §5.1, §5.4).
import { expect, test } from "@playwright/test";
import * as client from "openid-client";
import { e2eListenerPort } from "./env";
import { STRONG_PASSWORD, register, signIn, uniqueEmail } from "./helpers";
import { relyingParties } from "./relying-party";

// Beside the server's port, so runs on other ports do not collide.
const rps = relyingParties(e2eListenerPort(410));
test.beforeAll(rps.listen);
test.afterAll(rps.close);

test("edit the profile (a bad date is refused beside its field, nothing saved); an application sees the claims in its ID token and UserInfo", async ({ page }) => {
  const email = uniqueEmail("profile");
  await register(page, email);
  await signIn(page, email, STRONG_PASSWORD);
  await expect(page).toHaveURL(/\/account$/);

  await page.getByRole("link", { name: "Profile" }).click();
  await expect(page).toHaveURL(/\/account\/profile$/);
  await page.getByLabel("First name").fill("Ada");
  await page.getByLabel("Date of birth").fill("1815-02-30");
  await page.getByRole("button", { name: "Save profile" }).click();
  await expect(page.getByLabel("Date of birth")).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#field-birthdate-error")).toContainText("Enter a real date");
  await expect(page.getByLabel("First name")).toHaveValue("Ada"); // what was typed stays
  await page.reload();
  await expect(page.getByLabel("First name")).toHaveValue(""); // and nothing was saved

  await page.getByLabel("First name").fill("Ada");
  await page.getByLabel("Last name").fill("Lovelace");
  await page.getByLabel("Date of birth").fill("0000-12-10");
  await page.getByLabel("Language").fill("en_gb");
  await page.getByLabel("Time zone").fill("Europe/London");
  await page.getByLabel("Phone number").fill("+44 20 7946 0958");
  await page.getByLabel("Street address").fill("12 St James's Square");
  await page.getByLabel("Postal code").fill("SW1Y 4JH");
  await page.getByLabel("City").fill("London");
  await page.getByLabel("Country").fill("United Kingdom");
  await page.getByRole("button", { name: "Save profile" }).click();
  await expect(page.getByText("Your profile is saved.")).toBeVisible();
  await page.reload();
  await expect(page.getByLabel("Language")).toHaveValue("en-GB");
  await expect(page.getByLabel("Phone number")).toHaveValue("+442079460958");
  await expect(page.getByTestId("phone-status")).toContainText("not verified");

  // A third-party application asks for the profile, phone and address scopes; the customer allows it.
  const rp = await rps.registerRp("Profile Reader");
  const flow = await rps.startFlow(rp, { scope: "openid profile phone address" });
  await page.goto(flow.url);
  await page.getByRole("button", { name: "Allow" }).click();
  const tokens = await flow.finishTokens(page);
  const claims = tokens.claims()!;
  expect(claims).toMatchObject({
    name: "Ada Lovelace",
    given_name: "Ada",
    family_name: "Lovelace",
    birthdate: "0000-12-10",
    locale: "en-GB",
    zoneinfo: "Europe/London",
    phone_number: "+442079460958",
    phone_number_verified: false,
    address: { street_address: "12 St James's Square", postal_code: "SW1Y 4JH", locality: "London", country: "United Kingdom", formatted: "12 St James's Square\nSW1Y 4JH London\nUnited Kingdom" },
  });
  expect(claims).not.toHaveProperty("email"); // the email scope was not asked for
  expect(claims).not.toHaveProperty("nickname"); // empty claims are omitted
  const userInfo = await client.fetchUserInfo(rp, tokens.access_token, claims.sub);
  expect(userInfo).toMatchObject({ given_name: "Ada", family_name: "Lovelace", phone_number: "+442079460958", address: { locality: "London" } });
});
