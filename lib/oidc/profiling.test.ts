// Progressive profiling through the authorization endpoint: the policy (console), the profile
// outcome before consent and code, the hosted page's answers and skips, prompt=none, the Nth
// sign-in rule, and the cost: one read with a policy, none without.
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { useTestDatabase } from "@/test/db";
import { listAuditEvents } from "@/lib/audit";
import { createApplication, setProfilingPolicy, type ApplicationDto } from "@/lib/applications";
import { createAttributeDefinition } from "@/lib/profile";
import { consentDecisionsOf, createPurpose, publishPurposeVersion, receiptsOf, withdrawConsent } from "@/lib/consents";
import { PermissionError } from "@/lib/errors";
import { createSession, validateSession } from "@/lib/sessions";
import { authorize, answerProfilePrompt, getProfilePrompt, type AuthorizeSession } from "./index";
import * as repo from "./profiling.repo";

vi.mock("./profiling.repo", async (original) => {
  const actual = await original<typeof import("./profiling.repo")>();
  return { ...actual, findProfilingState: vi.fn(actual.findProfilingState) };
});

const t = useTestDatabase();
const admin = { id: "00000000-0000-4000-8000-000000000001", roles: ["admin"] };
const REDIRECT = "https://app.example.com/callback";
const BROWSER = "browser-a-binding-value";
let app: ApplicationDto;
let plain: ApplicationDto;
let user: { id: string; roles: string[] };
let session: AuthorizeSession;
let n = 0;

beforeAll(async () => {
  const u = await t.db().user.create({ data: { email: "progressive@example.com", emailVerifiedAt: new Date() } });
  user = { id: u.id, roles: [] };
  const v = (await validateSession((await createSession(u.id, {})).token))!;
  session = { id: v.id, userId: v.user.id, authTime: v.authTime, amr: v.amr };
  const make = async (name: string) => (await createApplication(admin, { name, type: "confidential", redirectUris: [REDIRECT], grantTypes: ["authorization_code"], firstParty: true }, {})).application;
  app = await make("Shop");
  plain = await make("Plain");
  await createAttributeDefinition(admin, { name: "loyalty_tier", label: "Tier", type: "enum", required: false, rules: { values: ["gold", "silver"] }, customerAccess: "write", appReadScope: "profile" }, {});
  await createAttributeDefinition(admin, { name: "shoe_size", label: "Shoe size", type: "number", required: false, rules: { min: 1, max: 60 }, customerAccess: "write", appReadScope: null }, {});
  await createAttributeDefinition(admin, { name: "internal_note", label: "Note", type: "string", required: false, rules: {}, customerAccess: "none", appReadScope: null }, {});
});

beforeEach(() => vi.mocked(repo.findProfilingState).mockClear());

const start = (client: ApplicationDto, extra: Record<string, string> = {}) =>
  authorize({ params: { client_id: client.clientId, redirect_uri: REDIRECT, response_type: "code", scope: "openid profile", state: `s${++n}`, ...extra }, binding: BROWSER }, session, {});
const resume = (id: string) => authorize({ interactionId: id, binding: BROWSER }, session, {});
const attributesOf = async () => (await t.db().user.findUniqueOrThrow({ where: { id: user.id } })).attributes as Record<string, unknown>;

describe("the profiling policy", () => {
  it("refuses unknown attributes and attributes the customer may not write; only administrators set it; audited", async () => {
    await expect(setProfilingPolicy(admin, app.id, "favourite_colour required", 30, {})).rejects.toMatchObject({ code: "invalid_input", field: "profilingPolicy", message: /no attribute/ });
    await expect(setProfilingPolicy(admin, app.id, "internal_note required", 30, {})).rejects.toMatchObject({ field: "profilingPolicy", message: /may not write/ });
    await expect(setProfilingPolicy(admin, app.id, "loyalty_tier always", 30, {})).rejects.toMatchObject({ field: "profilingPolicy", message: /Line 1/ });
    await expect(setProfilingPolicy(admin, app.id, "loyalty_tier required", 0, {})).rejects.toMatchObject({ field: "remindAfterDays" });
    await expect(setProfilingPolicy(user, app.id, "loyalty_tier required", 30, {})).rejects.toBeInstanceOf(PermissionError);
    expect((await t.db().application.findUniqueOrThrow({ where: { id: app.id } })).profilingPolicy).toBeNull();

    app = await setProfilingPolicy(admin, app.id, "loyalty_tier required\nshoe_size optional", 7, {});
    expect(app.profilingPolicy).toEqual({
      remindAfterDays: 7,
      rules: [
        { attribute: "loyalty_tier", blocking: true, when: { on: "sign_in", from: 1 } },
        { attribute: "shoe_size", blocking: false, when: { on: "sign_in", from: 1 } },
      ],
      purposes: [],
    });
    const [event] = await listAuditEvents({ targetId: app.id, action: "application.updated" });
    expect(event!.details).toMatchObject({ changed: ["profilingPolicy"], profiling: ["loyalty_tier:required", "shoe_size:optional"], remindAfterDays: 7 });
  });
});

describe("authorize with a profiling policy", () => {
  it("reads nothing for an application without a policy", async () => {
    const outcome = await start(plain);
    expect(outcome).toMatchObject({ kind: "respond", response: { params: { code: expect.any(String) } } });
    expect(repo.findProfilingState).not.toHaveBeenCalled();
    expect(await t.db().applicationSignIn.count({ where: { clientId: plain.clientId } })).toBe(0);
  });

  it("answers interaction_required under prompt=none while a blocking attribute is missing", async () => {
    const outcome = await start(app, { prompt: "none" });
    expect(outcome).toMatchObject({ kind: "respond", response: { params: { error: "interaction_required" } } });
    expect(repo.findProfilingState).toHaveBeenCalledTimes(1);
  });

  it("interrupts with the hosted page, refuses a wrong or missing answer beside its field and saves nothing, then continues", async () => {
    const outcome = await start(app);
    expect(outcome.kind).toBe("profile");
    expect(repo.findProfilingState).toHaveBeenCalledTimes(1);
    const id = (outcome as { interactionId: string }).interactionId;

    // Another browser sees nothing and can answer nothing.
    expect(await getProfilePrompt(id, "another-browser", user.id)).toBeNull();
    expect(await answerProfilePrompt(user, { interactionId: id, binding: "another-browser", values: { loyalty_tier: "gold" }, skip: false }, {})).toBe(false);

    const prompt = await getProfilePrompt(id, BROWSER, user.id);
    expect(prompt).toMatchObject({ clientName: "Shop", skippable: false });
    expect(prompt!.questions.map((q) => [q.definition.name, q.blocking])).toEqual([["loyalty_tier", true], ["shoe_size", false]]);

    await expect(answerProfilePrompt(user, { interactionId: id, binding: BROWSER, values: { loyalty_tier: "platinum", shoe_size: "42" }, skip: false }, {})).rejects.toMatchObject({
      code: "invalid_attributes",
      fieldErrors: { "attr.loyalty_tier": expect.stringMatching(/Choose one of/) },
    });
    await expect(answerProfilePrompt(user, { interactionId: id, binding: BROWSER, values: { loyalty_tier: "", shoe_size: "42" }, skip: false }, {})).rejects.toMatchObject({
      fieldErrors: { "attr.loyalty_tier": expect.stringMatching(/answer this to continue/) },
    });
    // A blocking question has no "Not now".
    await expect(answerProfilePrompt(user, { interactionId: id, binding: BROWSER, values: {}, skip: true }, {})).rejects.toMatchObject({ code: "invalid_attributes" });
    expect(await attributesOf()).toEqual({});
    expect(await t.db().profilePromptSkip.count()).toBe(0);

    // The tier answered, the optional shoe size left empty: saved, and the shoe size counts as skipped.
    expect(await answerProfilePrompt(user, { interactionId: id, binding: BROWSER, values: { loyalty_tier: "gold", shoe_size: "" }, skip: false }, {})).toBe(true);
    expect(await attributesOf()).toEqual({ loyalty_tier: "gold" });
    expect(await t.db().profilePromptSkip.findMany({ where: { userId: user.id } })).toMatchObject([{ clientId: app.clientId, attribute: "shoe_size" }]);
    expect((await listAuditEvents({ targetId: app.clientId, action: "profile.prompt_skipped" }))[0]!.details).toMatchObject({ attributes: ["shoe_size"] });

    const resumed = await resume(id);
    expect(resumed).toMatchObject({ kind: "respond", response: { params: { code: expect.any(String), state: expect.any(String) } } });
    expect(await t.db().applicationSignIn.findUniqueOrThrow({ where: { userId_clientId: { userId: user.id, clientId: app.clientId } } })).toMatchObject({ count: 1 });
  });

  it("continues while the skip is within the application's window, asks again after it", async () => {
    expect((await start(app)).kind).toBe("respond");
    await t.db().profilePromptSkip.updateMany({ where: { userId: user.id }, data: { skippedAt: new Date(Date.now() - 8 * 86_400_000) } });
    const again = await start(app);
    expect(again.kind).toBe("profile");
    const id = (again as { interactionId: string }).interactionId;
    const prompt = await getProfilePrompt(id, BROWSER, user.id);
    expect(prompt).toMatchObject({ skippable: true, questions: [{ definition: { name: "shoe_size" }, blocking: false }] });
    // prompt=none does not ask a skippable question: it answers the code.
    expect((await start(app, { prompt: "none" })).kind).toBe("respond");

    expect(await answerProfilePrompt(user, { interactionId: id, binding: BROWSER, values: { shoe_size: "99" }, skip: true }, {})).toBe(true);
    expect(await attributesOf()).toEqual({ loyalty_tier: "gold" }); // "Not now" writes nothing it was sent
    const skip = await t.db().profilePromptSkip.findFirstOrThrow({ where: { userId: user.id } });
    expect(Date.now() - skip.skippedAt.getTime()).toBeLessThan(60_000);
    expect((await resume(id)).kind).toBe("respond");
  });

  it("asks from the Nth sign-in to the application on", async () => {
    const signIns = (await t.db().applicationSignIn.findUniqueOrThrow({ where: { userId_clientId: { userId: user.id, clientId: app.clientId } } })).count;
    app = await setProfilingPolicy(admin, app.id, `loyalty_tier required\nshoe_size optional from ${signIns + 2}`, 7, {});
    await t.db().profilePromptSkip.deleteMany({});
    expect((await start(app)).kind).toBe("respond"); // sign-in signIns+1
    expect((await start(app)).kind).toBe("profile"); // sign-in signIns+2
  });
});

describe("triggers beyond the Nth sign-in, and consent purposes on the same page", () => {
  let club: ApplicationDto;
  let member: { id: string; roles: string[] };
  let memberSession: AuthorizeSession;
  const begin = (scope = "openid profile") =>
    authorize({ params: { client_id: club.clientId, redirect_uri: REDIRECT, response_type: "code", scope, state: `c${++n}` }, binding: BROWSER }, memberSession, {});
  const proceed = (id: string) => authorize({ interactionId: id, binding: BROWSER }, memberSession, {});
  const promptFor = async (outcome: Awaited<ReturnType<typeof begin>>) => {
    expect(outcome.kind).toBe("profile");
    const id = (outcome as { interactionId: string }).interactionId;
    return { id, prompt: (await getProfilePrompt(id, BROWSER, member.id))! };
  };
  const answer = (id: string, a: { values?: Record<string, string>; consents?: Record<string, number>; skip?: boolean }) =>
    answerProfilePrompt(member, { interactionId: id, binding: BROWSER, values: a.values ?? {}, consents: a.consents, skip: a.skip ?? false }, {});
  const memberAttributes = async () => (await t.db().user.findUniqueOrThrow({ where: { id: member.id } })).attributes as Record<string, unknown>;

  beforeAll(async () => {
    const u = await t.db().user.create({ data: { email: "club-member@example.com", emailVerifiedAt: new Date() } });
    member = { id: u.id, roles: [] };
    const v = (await validateSession((await createSession(u.id, {})).token))!;
    memberSession = { id: v.id, userId: v.user.id, authTime: v.authTime, amr: v.amr };
    club = (await createApplication(admin, { name: "Club", type: "confidential", redirectUris: [REDIRECT], grantTypes: ["authorization_code"], firstParty: true }, {})).application;
    await createAttributeDefinition(admin, { name: "company", label: "Company", type: "string", required: false, rules: {}, customerAccess: "write", appReadScope: null }, {});
    await createAttributeDefinition(admin, { name: "favourite_category", label: "Favourite category", type: "string", required: false, rules: {}, customerAccess: "write", appReadScope: null }, {});
    const purpose = { legalBasis: "consent" as const, dataCategories: "email, purchases", retention: "Until withdrawn" };
    await createPurpose(admin, { key: "offers", name: "Personalised offers", text: "We use your purchases to choose offers.", ...purpose }, {});
    await createPurpose(admin, { key: "partners", name: "Partner offers", text: "We share your email with partners.", thirdParty: "Partner Ltd", ...purpose }, {});
    await createPurpose(admin, { key: "billing", name: "Billing", legalBasis: "contract", dataCategories: "address", retention: "10 years", text: "We bill you." }, {});
  });

  it("refuses purposes that do not exist or are not based on consent, and scopes a sign-in cannot carry", async () => {
    await expect(setProfilingPolicy(admin, club.id, "purpose nothing_here", 30, {})).rejects.toMatchObject({ field: "profilingPolicy", message: /no purpose nothing_here/ });
    await expect(setProfilingPolicy(admin, club.id, "purpose billing", 30, {})).rejects.toMatchObject({ field: "profilingPolicy", message: /not based on consent/ });
    await expect(setProfilingPolicy(admin, club.id, "company required for purpose billing", 30, {})).rejects.toMatchObject({ message: /not based on consent/ });
    await expect(setProfilingPolicy(admin, club.id, "company required with scope reports:read", 30, {})).rejects.toMatchObject({ message: /cannot carry the scope reports:read/ });
    expect((await t.db().application.findUniqueOrThrow({ where: { id: club.id } })).profilingPolicy).toBeNull();
    club = await setProfilingPolicy(admin, club.id, "shoe_size optional at registration\ncompany required with scope address\nfavourite_category optional for purpose offers\npurpose offers\npurpose partners", 30, {});
    const [event] = await listAuditEvents({ targetId: club.id, action: "application.updated" });
    expect(event!.details).toMatchObject({ profiling: ["shoe_size:optional@registration", "company:required@scope:address", "favourite_category:optional@purpose:offers"], purposes: ["offers", "partners"] });
  });

  it("at the first sign-in: asks the at-registration attribute and offers the purposes, unticked; a ticked purpose is consent with a receipt, an unticked one a skip", async () => {
    const { id, prompt } = await promptFor(await begin());
    expect(prompt.questions.map((q) => q.definition.name)).toEqual(["shoe_size"]);
    expect(prompt.purposes).toMatchObject([
      { key: "offers", name: "Personalised offers", version: 1, text: "We use your purchases to choose offers.", renewal: false },
      { key: "partners", thirdParty: "Partner Ltd" },
    ]);
    expect(prompt.skippable).toBe(true);
    // The company question waits for the address scope; the category for consent to offers.
    expect(await answer(id, { values: { shoe_size: "41" }, consents: { offers: 1 } })).toBe(true);
    expect(await memberAttributes()).toEqual({ shoe_size: 41 });
    expect(await consentDecisionsOf(member.id)).toMatchObject([{ purpose: "offers", status: "given", version: 1, collectionMethod: "sign_in" }]);
    const [receipt] = await receiptsOf(member.id);
    expect(receipt!.receipt.collectionMethod).toMatch(/sign-in pages/);
    expect((await t.db().profilePromptSkip.findMany({ where: { userId: member.id } })).map((s) => s.attribute)).toEqual(["purpose:partners"]);

    // The consent given brings the attribute that waited for it, in the same authorization.
    const { prompt: next } = await promptFor(await proceed(id));
    expect(next.questions.map((q) => q.definition.name)).toEqual(["favourite_category"]);
    expect(next.purposes).toEqual([]);
    expect(await answer(id, { skip: true })).toBe(true);
    expect((await proceed(id)).kind).toBe("respond");
  });

  it("asks the with-scope attribute only when the authorization requests the scope; never the at-registration one again", async () => {
    expect((await begin()).kind).toBe("respond");
    const { id, prompt } = await promptFor(await begin("openid address"));
    expect(prompt).toMatchObject({ skippable: false, purposes: [] });
    expect(prompt.questions.map((q) => [q.definition.name, q.blocking])).toEqual([["company", true]]);
    expect(await answer(id, { values: { company: "Acme" } })).toBe(true);
    expect((await proceed(id)).kind).toBe("respond");
  });

  it("offers a purpose again when its text changes (renewal), and never one the customer withdrew", async () => {
    await t.db().profilePromptSkip.deleteMany({ where: { userId: member.id } });
    await withdrawConsent(member.id, { purpose: "offers" }, { method: "portal" });
    await publishPurposeVersion(admin, "partners", "We share your email and name with partners.", {});
    const { id, prompt } = await promptFor(await begin());
    expect(prompt.purposes.map((p) => [p.key, p.version])).toEqual([["partners", 2]]);
    expect(await answer(id, { consents: { partners: 2 } })).toBe(true);
    expect((await proceed(id)).kind).toBe("respond");
    expect((await consentDecisionsOf(member.id)).find((d) => d.purpose === "partners")).toMatchObject({ status: "given", version: 2 });

    await publishPurposeVersion(admin, "partners", "We share your email, name and city with partners.", {});
    const { prompt: renewal } = await promptFor(await begin());
    expect(renewal.purposes).toMatchObject([{ key: "partners", version: 3, renewal: true }]);
  });
});
