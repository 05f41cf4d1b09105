// SAML 2.0 sign-in in a real browser against a SAML identity provider stand-in on this machine
// (test/upstreams/saml-idp.ts: real signed assertions, answered by an auto-posting form as Web
// Browser SSO does). The administrator adds the connection by pasting the IdP's metadata and reads
// what to give the IdP; a customer registers and signs in through it; an answer for another service,
// a replayed one, one whose signed assertion was wrapped away and an expired one are refused with a
// clear message on the sign-in page, and nobody is signed in.
import crypto from "node:crypto";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { E2E_BASE_URL } from "./env";
import { adminPage } from "./helpers";
import { NAME_ID_FORMAT, startSamlIdp, type SamlIdp } from "../test/upstreams/saml-idp";
import { xswWrappedAssertion } from "../test/upstreams/saml-tamper";

const tag = crypto.randomBytes(3).toString("hex");
const SLUG = `sso-${tag}`;
const NAME = `Acme SSO ${tag}`;
const DOMAIN = `acme-${tag}.example`;
const email = `amelia@${DOMAIN}`;

let idp: SamlIdp;

test.beforeAll(async () => {
  idp = await startSamlIdp({ user: { nameId: email, nameIdFormat: NAME_ID_FORMAT.emailAddress, attributes: { email, givenName: "Amelia", sn: "Earhart" } } });
});
test.afterAll(async () => {
  await idp?.close();
});

async function freshPage(browser: Browser): Promise<Page> {
  return (await browser.newContext({ baseURL: E2E_BASE_URL })).newPage();
}

test.describe.serial("SAML", () => {
  test("the administrator adds a SAML identity provider from its metadata and reads what to give it", async ({ browser, request }) => {
    test.setTimeout(120_000);
    const admin = await adminPage(browser);
    await admin.goto("/admin/connections/new?preset=saml");
    const form = admin.getByRole("form", { name: "Add a connection" });
    await form.getByLabel("Name", { exact: true }).fill(NAME);
    await form.getByLabel("Name in Portico's URLs").fill(SLUG);
    await form.getByLabel("Identity provider metadata (XML)").fill(idp.metadataXml());
    await form.getByLabel("Trust the addresses it asserts").check();
    await form.getByRole("button", { name: "Add connection" }).click();
    await expect(admin).toHaveURL(/\/admin\/connections\/[0-9a-f-]{36}/);
    // What the IdP's administrator needs: Portico's entity ID, its ACS and its certificate.
    const entityId = `${E2E_BASE_URL}/federation/${SLUG}/metadata`;
    await expect(admin.getByRole("textbox", { name: /^Entity ID \(Identifier, Audience URI\)/ })).toHaveValue(entityId);
    await expect(admin.getByRole("textbox", { name: /^Assertion Consumer Service URL/ })).toHaveValue(`${E2E_BASE_URL}/federation/${SLUG}/callback`);
    await expect(admin.getByRole("region", { name: "The identity provider, from its metadata" })).toContainText(idp.entityId);
    // A SAML provider is trusted only for the email domains mapped to it.
    await admin.getByRole("form", { name: "Home realm domains" }).getByLabel("Email domains").fill(DOMAIN);
    await admin.getByRole("button", { name: "Save domains" }).click();
    await expect(admin.getByRole("form", { name: "Home realm domains" }).getByLabel("Email domains")).toHaveValue(DOMAIN);
    await admin.context().close();

    const metadata = await request.get(`/federation/${SLUG}/metadata`);
    expect(metadata.status()).toBe(200);
    expect(metadata.headers()["content-type"]).toContain("application/samlmetadata+xml");
    const xml = await metadata.text();
    expect(xml).toContain(`entityID="${entityId}"`);
    expect(xml).toContain(`Location="${E2E_BASE_URL}/federation/${SLUG}/callback"`);
  });

  test("a customer registers through the identity provider, then signs in again straight away", async ({ browser }) => {
    test.setTimeout(120_000);
    const page = await freshPage(browser);
    await page.goto("/login");
    await page.getByRole("link", { name: `Continue with ${NAME}` }).click();
    // The IdP's page posts the signed Response to Portico's callback; the customer sees what it shared.
    await expect(page).toHaveURL(/\/federation\/register\?token=/);
    const imported = page.getByTestId("imported-profile");
    await expect(imported).toContainText(email);
    await expect(imported).toContainText("Earhart");
    await page.getByLabel(/I accept the/).check();
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page).toHaveURL(/\/account/);
    expect(idp.requests.at(-1)).toMatchObject({ binding: "HTTP-Redirect", issuer: `${E2E_BASE_URL}/federation/${SLUG}/metadata` });
    await page.context().close();

    const again = await freshPage(browser);
    await again.goto("/login");
    await again.getByRole("link", { name: `Continue with ${NAME}` }).click();
    await expect(again).toHaveURL(/\/account/);
    await again.context().close();
  });

  test("an answer meant for another service is refused with a clear page, and so is a replayed one", async ({ browser }) => {
    test.setTimeout(120_000);
    const page = await freshPage(browser);
    idp.responseOverrides = { audience: "https://another-service.example/metadata" };
    await page.goto("/login");
    await page.getByRole("link", { name: `Continue with ${NAME}` }).click();
    await expect(page).toHaveURL(/\/login\?federation_error=saml_audience/);
    await expect(page.getByText("The identity provider's answer was meant for another service. Nothing was signed in.")).toBeVisible();
    idp.responseOverrides = {};

    // An honest answer, kept as it was posted, then posted a second time.
    let posted: string | null = null;
    await page.route(`**/federation/${SLUG}/callback`, async (route) => {
      if (route.request().method() === "POST") posted = route.request().postData();
      await route.continue();
    });
    await page.getByRole("link", { name: `Continue with ${NAME}` }).click();
    await expect(page).toHaveURL(/\/account/);
    expect(posted).toContain("SAMLResponse=");
    await page.context().close();
    // Someone who captured it posts it again, from another browser.
    const attacker = await freshPage(browser);
    const replay = await attacker.request.post(`/federation/${SLUG}/callback`, { headers: { "content-type": "application/x-www-form-urlencoded", origin: idp.url }, data: posted!, maxRedirects: 0 });
    expect(replay.status()).toBe(303);
    expect(replay.headers().location).toBe("/login?federation_error=saml_replayed");
    await attacker.goto(replay.headers().location!);
    await expect(attacker.getByText("This answer from the identity provider was already used, or belongs to another sign-in. Start again.")).toBeVisible();
    await attacker.goto("/account");
    await expect(attacker).toHaveURL(/\/login/);
    await attacker.context().close();
  });

  test("a wrapped signature and an expired assertion are refused with a clear page", async ({ browser }) => {
    test.setTimeout(120_000);
    const page = await freshPage(browser);
    await page.goto("/login");
    // The customer's own honest answer, with the signed assertion wrapped away and an unsigned one naming someone else in its place.
    await page.route(`**/federation/${SLUG}/callback`, async (route) => {
      if (route.request().method() !== "POST") return route.continue();
      const form = new URLSearchParams(route.request().postData() ?? "");
      form.set("SAMLResponse", xswWrappedAssertion(form.get("SAMLResponse")!, `ceo@${DOMAIN}`, "evil-assertion"));
      await route.continue({ postData: form.toString() });
    });
    await page.getByRole("link", { name: `Continue with ${NAME}` }).click();
    await expect(page).toHaveURL(/\/login\?federation_error=saml_signature/);
    await expect(page.getByText("The identity provider's answer was not signed by a key we trust, or was changed on the way. Nothing was signed in.")).toBeVisible();
    await page.unroute(`**/federation/${SLUG}/callback`);

    const hour = 60 * 60_000;
    idp.responseOverrides = { now: new Date(Date.now() - 2 * hour), notOnOrAfter: new Date(Date.now() - hour), subjectNotOnOrAfter: new Date(Date.now() - hour) };
    try {
      await page.getByRole("link", { name: `Continue with ${NAME}` }).click();
      await expect(page).toHaveURL(/\/login\?federation_error=saml_expired/);
      await expect(page.getByText("The identity provider's answer has expired. Start again.")).toBeVisible();
    } finally {
      idp.responseOverrides = {};
    }
    await page.goto("/account");
    await expect(page).toHaveURL(/\/login/);
    await page.context().close();
  });
});
