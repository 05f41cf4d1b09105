// Signing in with other identity providers, in a real browser against real stand-in upstreams on
// this machine: oidc-provider as an OpenID Connect provider and a GitHub-like OAuth 2.0 server
// (test/upstreams). The administrator adds the connections in the console and offers one to an
// application; a customer registers through it (what it shared shown, terms accepted) and the
// application receives an ID token, verified by openid-client; the next sign-in goes straight in;
// the customer links the GitHub-like identity from the portal, signs in with it and unlinks it
// (never the last way in); an unverified upstream address is never linked to the account holding
// it; a mapped email domain goes straight to its provider (home realm discovery).
import crypto from "node:crypto";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { E2E_BASE_URL, e2eListenerPort } from "./env";
import { STRONG_PASSWORD, adminPage, readMailLink, register, signIn, uniqueEmail } from "./helpers";
import { relyingParties } from "./relying-party";
import { startOidcUpstream, type OidcUpstream } from "../test/upstreams/oidc-upstream";
import { startGitHubLike, type GitHubLike } from "../test/upstreams/github-like";

const rps = relyingParties(e2eListenerPort(430));
const tag = crypto.randomBytes(3).toString("hex");
const ACME = `acme-${tag}`;
const GH = `gh-${tag}`;
const DOMAIN = `acme-${tag}.example`;
const SECRET = `upstream-secret-${tag}`;
const callbackOf = (slug: string) => `${E2E_BASE_URL}/federation/${slug}/callback`;
const signedOutOf = (slug: string) => `${E2E_BASE_URL}/federation/${slug}/signed-out`;

const alice = { sub: `alice-${tag}`, email: `alice-${tag}@example.test`, email_verified: true, name: "Alice Liddell", given_name: "Alice", family_name: "Liddell" };
const victimEmail = uniqueEmail("victim");
const mallory = { sub: `mallory-${tag}`, email: victimEmail, email_verified: false, name: "Mallory" };
const worker = { sub: `worker-${tag}`, email: `worker@${DOMAIN}`, email_verified: true, name: "Wendy Worker" };

let oidc: OidcUpstream;
let github: GitHubLike;

test.beforeAll(async () => {
  await rps.listen();
  oidc = await startOidcUpstream({
    clients: [{ clientId: "portico", clientSecret: SECRET, redirectUris: [callbackOf(ACME)], postLogoutRedirectUris: [signedOutOf(ACME)] }],
    accounts: [alice, mallory, worker],
  });
  github = await startGitHubLike({
    redirectUri: callbackOf(GH),
    clientId: "portico-gh",
    clientSecret: SECRET,
    user: { id: 90210, login: "alice", name: "Alice L.", avatar_url: "https://avatars.example/90210", email: null, emails: [{ email: alice.email, primary: true, verified: true, visibility: "private" }] },
  });
});
test.afterAll(async () => {
  await rps.close();
  await oidc?.close();
  await github?.close();
});

async function addConnection(admin: Page, fields: { kind: "oidc" | "oauth2"; name: string; slug: string; values: Record<string, string> }) {
  await admin.goto(`/admin/connections/new?preset=${fields.kind}`);
  const form = admin.getByRole("form", { name: "Add a connection" });
  await form.getByLabel("Name", { exact: true }).fill(fields.name);
  await form.getByLabel("Name in the callback URL").fill(fields.slug);
  for (const [label, value] of Object.entries(fields.values)) await form.getByLabel(label, { exact: true }).fill(value);
  await form.getByLabel("Client secret").fill(SECRET);
  await form.getByLabel("Trust the addresses it marks verified").check();
  await form.getByRole("button", { name: "Add connection" }).click();
  await expect(admin).toHaveURL(/\/admin\/connections\/[0-9a-f-]{36}/);
}

/** Clicks "Continue with …" on the sign-in page the browser is on. */
async function continueWith(page: Page, name: string) {
  await page.getByRole("link", { name: `Continue with ${name}` }).click();
}

async function freshPage(browser: Browser): Promise<Page> {
  return (await browser.newContext()).newPage();
}

test.describe.serial("federation", () => {
  let rp: Awaited<ReturnType<typeof rps.registerRp>>;

  test("the administrator adds an OpenID Connect and a GitHub-like connection, maps a domain, and offers one to an application", async ({ browser }) => {
    test.setTimeout(120_000);
    const admin = await adminPage(browser);
    await addConnection(admin, { kind: "oidc", name: "Acme ID", slug: ACME, values: { Issuer: oidc.issuer, "Client ID": "portico" } });
    await admin.getByRole("form", { name: "Home realm domains" }).getByLabel("Email domains").fill(DOMAIN);
    await admin.getByRole("button", { name: "Save domains" }).click();
    await expect(admin.getByRole("form", { name: "Home realm domains" }).getByLabel("Email domains")).toHaveValue(DOMAIN);
    await addConnection(admin, {
      kind: "oauth2",
      name: "GitHub Stand-in",
      slug: GH,
      values: {
        "Authorization endpoint": `${github.url}/login/oauth/authorize`,
        "Token endpoint": `${github.url}/login/oauth/access_token`,
        "Profile (userinfo) endpoint": `${github.url}/user`,
        "Email addresses endpoint (optional)": `${github.url}/user/emails`,
        "Client ID": "portico-gh",
        Scopes: "read:user user:email",
      },
    });

    rp = await rps.registerRp(`Federated shop ${tag}`);
    await admin.goto("/admin/applications");
    await admin.getByRole("link", { name: `Federated shop ${tag}` }).click();
    const offered = admin.getByRole("form", { name: "Sign-in connections" });
    await offered.getByRole("checkbox", { name: /Acme ID/ }).check();
    await offered.getByRole("button", { name: "Save sign-in connections" }).click();
    await expect(offered.getByRole("checkbox", { name: /Acme ID/ })).toBeChecked();
    await admin.context().close();
  });

  test("a customer registers through the OpenID Connect provider and the application receives the ID token; the next sign-in goes straight in", async ({ browser }) => {
    test.setTimeout(120_000);
    const page = await freshPage(browser);
    oidc.next = alice.sub;
    const flow = await rps.startFlow(rp);
    await page.goto(flow.url);
    // The application offers only its own connection.
    await expect(page.getByRole("link", { name: "Continue with GitHub Stand-in" })).toHaveCount(0);
    await continueWith(page, "Acme ID");
    await expect(page).toHaveURL(/\/federation\/register\?token=/);
    const imported = page.getByTestId("imported-profile");
    await expect(imported).toContainText(alice.email);
    await expect(imported).toContainText("Liddell");
    await expect(page.getByLabel("Display name")).toHaveValue("Alice Liddell");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByText("You must accept the terms")).toBeVisible();
    await page.getByLabel(/I accept the/).check();
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByRole("button", { name: "Allow" }).click();
    const claims = await flow.finish(page);
    expect(claims.email).toBe(alice.email);
    expect(claims.amr).toContain("fed");
    await page.context().close();

    const again = await freshPage(browser);
    const second = await rps.startFlow(rp);
    await again.goto(second.url);
    await continueWith(again, "Acme ID");
    const claimsAgain = await second.finish(again);
    expect(claimsAgain.sub).toBe(claims.sub);
    await again.context().close();
  });

  test("the customer links the GitHub-like identity in the portal, signs in with it, and unlinks it, but not the last way in", async ({ browser }) => {
    test.setTimeout(120_000);
    const page = await freshPage(browser);
    oidc.next = alice.sub;
    await page.goto("/login");
    await continueWith(page, "Acme ID");
    await expect(page).toHaveURL(/\/account/);
    await page.goto("/account/linked");
    await page.getByRole("link", { name: "Link GitHub Stand-in" }).click();
    await expect(page).toHaveURL(/\/account\/linked\?linked=/);
    await expect(page.getByText("GitHub Stand-in is linked")).toBeVisible();
    await expect(page.getByTestId("linked-identities")).toContainText("GitHub Stand-in");

    const other = await freshPage(browser);
    await other.goto("/login");
    await continueWith(other, "GitHub Stand-in");
    await expect(other).toHaveURL(/\/account/);
    await other.context().close();

    const linked = page.getByTestId("linked-identities");
    await linked.locator("li", { hasText: "GitHub Stand-in" }).getByText("Unlink", { exact: true }).click();
    await page.getByRole("button", { name: "Yes, unlink GitHub Stand-in" }).click();
    await expect(page.getByText("Unlinked.")).toBeVisible();
    await linked.locator("li", { hasText: "Acme ID" }).getByText("Unlink", { exact: true }).click();
    await page.getByRole("button", { name: "Yes, unlink Acme ID" }).click();
    await expect(page.getByText("This is the only way you sign in.")).toBeVisible();
    await expect(linked).toContainText("Acme ID");
    await page.context().close();
  });

  test("an upstream that says the address is not verified is never linked to the account holding it", async ({ browser }) => {
    test.setTimeout(120_000);
    const owner = await freshPage(browser);
    await register(owner, victimEmail);
    await owner.goto(await readMailLink(owner, victimEmail, /verify/i));
    await owner.getByRole("button", { name: "Verify my email" }).click();
    await owner.context().close();

    const attacker = await freshPage(browser);
    oidc.next = mallory.sub;
    await attacker.goto("/login");
    await continueWith(attacker, "Acme ID");
    // Asked for the account's password (which the attacker does not have: lib/sign-in/federated.test.ts
    // tries a wrong one; not here, where a failed sign-in from this address would count towards the
    // risk engine's credential-stuffing signal for the specs after this one): nothing is linked,
    // nobody is signed in.
    await expect(attacker).toHaveURL(/\/federation\/link\?token=/);
    await expect(attacker.getByRole("button", { name: /^Link Acme ID/ })).toBeVisible();
    await attacker.goto("/account/linked");
    await expect(attacker).toHaveURL(/\/login/);
    await attacker.context().close();

    const check = await freshPage(browser);
    await signIn(check, victimEmail, STRONG_PASSWORD);
    await expect(check).toHaveURL(/\/account$/);
    await check.goto("/account/linked");
    await expect(check.getByText("No linked accounts.")).toBeVisible();
    await check.context().close();
  });

  test("an address in a mapped domain goes straight to its identity provider (home realm discovery)", async ({ browser }) => {
    test.setTimeout(60_000);
    const page = await freshPage(browser);
    oidc.next = worker.sub;
    await page.goto("/login");
    await page.getByLabel("Email").fill(worker.email);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page).toHaveURL(/\/federation\/register\?token=/);
    await expect(page.getByTestId("imported-profile")).toContainText(worker.email);
    await page.context().close();
  });

  test("signing out of the portal signs out at the provider too, when the connection says so", async ({ browser }) => {
    test.setTimeout(120_000);
    const admin = await adminPage(browser);
    await admin.goto("/admin/connections");
    await admin.getByRole("link", { name: "Acme ID" }).click();
    const settings = admin.getByRole("form", { name: "Change Acme ID" });
    await settings.getByLabel("Sign out at the provider too").check();
    await settings.getByRole("button", { name: "Save connection" }).click();
    await expect(admin.getByRole("textbox", { name: /post-logout redirect URI/ })).toHaveValue(signedOutOf(ACME));
    await admin.context().close();

    const page = await freshPage(browser);
    oidc.next = alice.sub;
    await page.goto("/login");
    await continueWith(page, "Acme ID");
    await expect(page).toHaveURL(/\/account/);
    await page.getByRole("button", { name: "Sign out" }).click();
    // The provider's own page asks; the customer confirms, and comes back to Portico signed out.
    await page.getByRole("button", { name: /Yes, sign me out/ }).click();
    await expect(page).toHaveURL(/\/login\?signedOut=1/);
    expect(oidc.requests.some((r) => r.method === "POST" && r.path.startsWith("/session/end/confirm"))).toBe(true);
    await page.goto("/account");
    await expect(page).toHaveURL(/\/login/);
    await page.context().close();
  });
});
