// Consent to processing purposes in a real browser and through the consent API: an administrator
// defines a purpose in the console; the customer gives consent at /account/privacy; an application
// (openid-client, authorization code flow with the consent scopes) reads it with its bearer token,
// is refused an unknown purpose with a problem and changes nothing, withdraws the consent; the
// portal shows it withdrawn; the receipts verify against the published JWK Set.
import crypto from "node:crypto";
import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from "jose";
import { E2E_BASE_URL, e2eListenerPort } from "./env";
import { adminPage, register, signIn, STRONG_PASSWORD, uniqueEmail, verifyEmailAddress } from "./helpers";
import { relyingParties } from "./relying-party";

const rps = relyingParties(e2eListenerPort(520));
test.beforeAll(rps.listen);
test.afterAll(rps.close);

const API = `${E2E_BASE_URL}/api/consent/v1`;

async function jwks() {
  const res = await fetch(`${E2E_BASE_URL}/oauth2/jwks`);
  return createLocalJWKSet((await res.json()) as JSONWebKeySet);
}

test("a consent given in the portal is read, refused for an unknown purpose, and withdrawn through the consent API; receipts verify", async ({ page, browser }) => {
  const key = `e2e-news-${crypto.randomBytes(3).toString("hex")}`;

  // The administrator defines the purpose.
  const admin = await adminPage(browser);
  await admin.goto("/admin/purposes");
  const form = admin.getByRole("form", { name: "New purpose" });
  await form.getByLabel("Key").fill(key);
  await form.getByLabel("Name").fill("Product news");
  await form.getByLabel("Legal basis").selectOption("consent");
  await form.getByLabel("Data categories").fill("email, name");
  await form.getByLabel("Retention").fill("Until you withdraw");
  await form.getByLabel("Text people consent to").fill("Send me news about products by email.");
  await form.getByRole("button", { name: "Create purpose" }).click();
  await expect(admin.getByText(`Purpose ${key} created (version 1).`)).toBeVisible();
  await expect(admin.getByTestId("purposes")).toContainText("Send me news about products by email.");
  await admin.context().close();

  // The customer gives consent on /account/privacy.
  const email = uniqueEmail("consents");
  await register(page, email);
  await signIn(page, email, STRONG_PASSWORD);
  await expect(page).toHaveURL(/\/account$/);
  await page.getByRole("link", { name: "Privacy" }).click();
  await expect(page).toHaveURL(/\/account\/privacy$/);
  const card = page.getByTestId(`purpose-${key}`);
  await expect(card.getByTestId("consent-status")).toHaveText("You have not agreed.");
  await card.getByRole("button", { name: "Give consent: Product news" }).click();
  await expect(card.getByTestId("consent-status")).toContainText("You agreed on");
  await expect(card.getByRole("button", { name: "Withdraw consent: Product news" })).toBeVisible();

  // Its receipt, downloaded from the portal, verifies against the JWK Set.
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download JWS" }).first().click()]);
  const portalJws = fs.readFileSync((await download.path())!, "utf8");
  const { payload, protectedHeader } = await jwtVerify(portalJws, await jwks(), { typ: "consent-receipt+jwt" });
  expect(protectedHeader.kid).toBeTruthy();
  expect(payload).toMatchObject({ version: "KI-CR-v1.1.0", portico: { action: "given", purposeKey: key, purposeVersion: 1 } });

  // An application the customer allows with the consent scopes.
  const rp = await rps.registerRp("Newsletter Studio");
  const flow = await rps.startFlow(rp, { scope: "openid consent:read consent:write" });
  await page.goto(flow.url);
  await expect(page.getByText("See which uses of your data you agreed to, your consent receipts and what you agreed to be sent")).toBeVisible();
  await expect(page.getByText("Record and withdraw your consent to uses of your data")).toBeVisible();
  await page.getByRole("button", { name: "Allow" }).click();
  const tokens = await flow.finishTokens(page);
  const auth = { authorization: `Bearer ${tokens.access_token}` };

  const read = async () => ((await (await fetch(`${API}/consents`, { headers: auth })).json()) as { consents: { purpose: string; status: string; collection_method: string }[] }).consents;
  expect(await read()).toEqual([expect.objectContaining({ purpose: key, status: "given", collection_method: "portal" })]);

  // An unknown purpose: a problem, and nothing changes.
  const unknown = await fetch(`${API}/consents`, { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify({ purpose: "no-such-purpose" }) });
  expect(unknown.status).toBe(422);
  expect(unknown.headers.get("content-type")).toBe("application/problem+json");
  expect(await unknown.json()).toMatchObject({ status: 422, type: expect.stringContaining("/problems/unknown-purpose"), title: expect.any(String), detail: expect.any(String) });
  const missing = await fetch(`${API}/consents/no-such-purpose`, { method: "DELETE", headers: auth });
  expect(missing.status).toBe(404);
  expect(missing.headers.get("content-type")).toBe("application/problem+json");
  expect(await read()).toEqual([expect.objectContaining({ purpose: key, status: "given" })]);
  // Without a token: 401 with the RFC 6750 challenge.
  const anonymous = await fetch(`${API}/consents`);
  expect(anonymous.status).toBe(401);
  expect(anonymous.headers.get("www-authenticate")).toBe('Bearer realm="portico"');

  // The application withdraws it; the receipt it gets verifies and names it the collector.
  const withdrawn = await fetch(`${API}/consents/${key}`, { method: "DELETE", headers: auth });
  expect(withdrawn.status).toBe(200);
  const out = (await withdrawn.json()) as { consent: { status: string }; receipt: { jws: string } };
  expect(out.consent.status).toBe("withdrawn");
  const verified = await jwtVerify(out.receipt.jws, await jwks());
  expect(verified.payload).toMatchObject({ portico: { action: "withdrawn", purposeKey: key, collector: { name: "Newsletter Studio" } }, services: [{ service: "Newsletter Studio" }] });
  const receipts = ((await (await fetch(`${API}/receipts`, { headers: auth })).json()) as { receipts: { action: string; jws: string }[] }).receipts;
  expect(receipts.map((r) => r.action)).toEqual(["withdrawn", "given"]);
  expect(receipts[1]!.jws).toBe(portalJws);
  // The receipt keys, public (no token), verify them too: they outlive the JWK Set's rotation.
  const receiptKeys = await fetch(`${API}/receipt-keys`);
  expect(receiptKeys.headers.get("content-type")).toContain("application/jwk-set+json");
  const receiptKeySet = createLocalJWKSet((await receiptKeys.json()) as JSONWebKeySet);
  for (const r of receipts) expect((await jwtVerify(r.jws, receiptKeySet, { typ: "consent-receipt+jwt" })).payload.portico).toBeTruthy();

  // The portal shows it withdrawn, and the application among the connected ones.
  await page.goto("/account/privacy");
  await expect(card.getByTestId("consent-status")).toContainText("You withdrew your consent");
  await expect(card.getByRole("button", { name: "Give consent: Product news" })).toBeVisible();
  await expect(page.getByTestId("connected-apps")).toContainText("Newsletter Studio");
  await expect(page.getByTestId("receipts").getByRole("listitem")).toHaveCount(2);
  await page.getByRole("link", { name: "View", exact: true }).first().click();
  await expect(page.getByTestId("receipt-json")).toContainText('"action": "withdrawn"');

  // And the OpenAPI description is served.
  const doc = (await (await fetch(`${API}/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
  expect(doc.openapi).toBe("3.1.0");
  expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/purposes", "/consents", "/consents/{purpose}", "/receipts", "/receipts/{id}"]));
});

test("a purpose the console offers at registration is an unticked box there; ticked, the account has the consent and its receipt once the address is verified", async ({ page, browser }) => {
  const suffix = crypto.randomBytes(3).toString("hex");
  const key = `e2e-signup-${suffix}`;
  const name = `Partner offers ${suffix}`;

  // The administrator creates the purpose, then offers it at registration from its edit form.
  const admin = await adminPage(browser);
  await admin.goto("/admin/purposes");
  const form = admin.getByRole("form", { name: "New purpose" });
  await form.getByLabel("Key").fill(key);
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("Legal basis").selectOption("consent");
  await form.getByLabel("Data categories").fill("email");
  await form.getByLabel("Retention").fill("Until you withdraw");
  await form.getByLabel("Text people consent to").fill("Send me offers from our partners.");
  await form.getByRole("button", { name: "Create purpose" }).click();
  await expect(admin.getByText(`Purpose ${key} created (version 1).`)).toBeVisible();
  await admin.getByText(`Edit ${name}`).click();
  const edit = admin.getByRole("form", { name: `Edit ${key}` });
  await edit.getByLabel("Offer at registration").check();
  // Another legal basis cannot be offered at registration: refused beside the box, nothing saved.
  await edit.getByLabel("Legal basis").selectOption("legitimate_interests");
  await edit.getByRole("button", { name: "Save purpose" }).click();
  await expect(edit.locator(`#purpose-${key}-offerAtRegistration-error`)).toHaveText("Only a purpose based on consent can be offered at registration.");
  await edit.getByLabel("Legal basis").selectOption("consent");
  await edit.getByRole("button", { name: "Save purpose" }).click();
  await expect(edit.getByText(`Purpose ${key} saved.`)).toBeVisible();
  await admin.reload();
  await expect(admin.getByTestId("purposes")).toContainText(`${name} ${key}`);
  await expect(admin.getByTestId("purposes").getByRole("listitem").filter({ hasText: key }).first()).toContainText("Consent (art. 6(1)(a)) · Data: email · Kept: Until you withdraw · Offered at registration");
  await admin.context().close();

  // The customer ticks it on the registration form (the helper checks it starts unticked).
  const email = uniqueEmail("signup-consent");
  await register(page, email, STRONG_PASSWORD, "Ada Lovelace", { purposes: [name] });
  await signIn(page, email, STRONG_PASSWORD);
  await expect(page).toHaveURL(/\/account$/);
  // Not before the address is verified: anyone could have typed it on the form.
  await page.goto("/account/privacy");
  const card = page.getByTestId(`purpose-${key}`);
  await expect(card.getByTestId("consent-status")).toHaveText("You have not agreed.");
  await verifyEmailAddress(page, email);
  await page.goto("/account/privacy");
  await expect(card.getByTestId("consent-status")).toContainText("You agreed on");
  await expect(card.getByTestId("consent-status")).toContainText("(version 1)");
  const receipt = page.getByTestId("receipts").getByRole("listitem").filter({ hasText: key });
  await expect(receipt).toContainText(`Consent given: ${key} v1`);
  await receipt.getByRole("link", { name: "View" }).click();
  await expect(page.getByTestId("receipt-json")).toContainText("Given by the person on Portico's registration form");
  const jws = (await page.getByTestId("receipt-jws").textContent())!.trim();
  const { payload } = await jwtVerify(jws, await jwks(), { typ: "consent-receipt+jwt" });
  expect(payload).toMatchObject({ portico: { action: "given", purposeKey: key, purposeVersion: 1 } });
});
