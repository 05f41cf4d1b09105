// Text-message codes in a real browser. The server texts through its HTTP gateway setting
// (SMS_GATEWAY_URL), which points at a local stand-in provider here; the test reads the codes
// from what the provider received. The ID token an application gets is checked by openid-client.
import { expect, test } from "@playwright/test";
import { FakeSmsGateway } from "../test/sms-gateway";
import { E2E_SMS_GATEWAY_PORT, E2E_SMS_GATEWAY_TOKEN } from "./env";
import { STRONG_PASSWORD, register, verifyEmailAddress, signIn, signOut, uniqueEmail } from "./helpers";
import { relyingParties } from "./relying-party";

const { consoleApplication, startFlow, signInThrough, listen, close } = relyingParties(4517);
const gateway = new FakeSmsGateway();

test.describe.configure({ mode: "serial" });
test.beforeAll(async () => {
  await listen();
  await gateway.listen(E2E_SMS_GATEWAY_PORT);
});
test.afterAll(async () => {
  await close();
  await gateway.close();
});

/** A Spanish mobile number of this run's own (6xx xxx xxx), as E.164 and as a person types it. */
function mobileNumber() {
  const digits = `6${String(Date.now() % 100_000_000).padStart(8, "0")}`;
  return { e164: `+34${digits}`, typed: `+34 ${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}` };
}

test("SMS: add a mobile number (a landline is refused next to the field), then sign in to an application with password + texted code; amr pwd, sms, mfa", async ({ page, browser }) => {
  const email = uniqueEmail("sms");
  const phone = mobileNumber();
  await register(page, email);
  await verifyEmailAddress(page, email);
  await signIn(page, email, STRONG_PASSWORD);
  await expect(page).toHaveURL(/\/account$/);
  await page.goto("/account/security");

  await page.getByLabel("Mobile number").fill("+44 20 7946 0958");
  await page.getByRole("button", { name: "Text me a code" }).click();
  await expect(page.locator("#field-phone-error")).toContainText("cannot receive text messages");
  expect(gateway.requests).toHaveLength(0);

  await page.getByLabel("Mobile number").fill(phone.typed);
  await page.getByRole("button", { name: "Text me a code" }).click();
  await expect(page).toHaveURL(/\/account\/security\/sms\?factor=/);
  await expect(page.getByTestId("sms-sent-to")).toContainText(`+34 ••• ••• •${phone.e164.slice(-2)}`);
  expect(gateway.requests.at(-1)).toMatchObject({ authorization: `Bearer ${E2E_SMS_GATEWAY_TOKEN}`, body: { to: phone.e164 } });
  await page.getByLabel("Code from the text message").fill(gateway.lastCodeTo(phone.e164));
  await page.getByRole("button", { name: "Turn on" }).click();
  await expect(page.getByText("Your phone number is set up")).toBeVisible();
  await expect(page.getByTestId("recovery-codes").locator("li")).toHaveCount(10);
  await page.goto("/account/security");
  await expect(page.getByRole("region", { name: "Text messages" }).getByTestId("factor")).toContainText(`Text message to +34`);
  await expect(page.getByTestId("two-step-status")).toContainText("On");
  await signOut(page);

  const rp = await consoleApplication(browser, "Bank", "default");
  const flow = await startFlow(rp);
  await signInThrough(page, flow.url, email);
  await expect(page).toHaveURL(/\/login\/verify/);
  const sentBefore = gateway.requests.length;
  await page.getByRole("button", { name: "Text me a code" }).click();
  await expect(page.getByText(/We sent a code to \+34/)).toBeVisible();
  expect(gateway.requests.length).toBe(sentBefore + 1);
  await page.getByLabel("Code from the text message").fill(gateway.lastCodeTo(phone.e164));
  await page.getByRole("button", { name: "Continue" }).click();
  const claims = await flow.finish(page);
  expect(claims.email).toBe(email);
  expect([...(claims.amr as string[])].sort()).toEqual(["mfa", "pwd", "sms"]);
  expect(claims.acr).toBe("urn:portico:acr:mfa");
});
