// The groups console as the server renders it, for an administrator past every bar (only the
// session and the strong-factor lookup faked): the list with its search and member counts, the
// create form only with groups:write tenant-wide; the detail page with its members and, for a role
// that may change them, the rename, delete, add and remove forms.
import { createElement, type ReactElement } from "react";
import { renderToString } from "react-dom/server";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { useTestDatabase } from "@/test/db";
import { addMember, createGroup } from "@/lib/groups";
import GroupsPage from "@/app/(admin)/admin/groups/page";
import GroupPage from "@/app/(admin)/admin/groups/[id]/page";

const t = useTestDatabase();
let roles: string[] = [];
vi.mock("@/lib/http/session-cookie", async (original) => ({
  ...(await original<typeof import("@/lib/http/session-cookie")>()),
  currentSession: async () => ({
    id: "00000000-0000-4000-8000-000000000001",
    authTime: new Date(),
    amr: ["pwd", "otp", "mfa"],
    user: { id: "00000000-0000-4000-8000-000000000002", email: "staff@example.com", displayName: null, emailVerified: true, roles },
  }),
}));
vi.mock("@/lib/factors", async (original) => ({
  ...(await original<typeof import("@/lib/factors")>()),
  securityOverview: async () => ({ factors: [{ type: "totp" }] }),
}));
vi.mock("next/headers", async (original) => ({
  ...(await original<typeof import("next/headers")>()),
  headers: async () => new Headers({ host: "localhost", "user-agent": "vitest" }),
  cookies: async () => ({ get: () => undefined, getAll: () => [], has: () => false, set: () => undefined, delete: () => undefined }),
}));

const superAdmin = { id: crypto.randomUUID(), roles: ["admin"] };
let groupId = "";
let email = "";

beforeAll(async () => {
  const group = await createGroup(superAdmin, "Render Team");
  await createGroup(superAdmin, "Other");
  groupId = group.id;
  email = `render-${crypto.randomUUID().slice(0, 8)}@example.com`;
  await t.db().user.create({ data: { email, displayName: "Grace" } });
  await addMember(superAdmin, group.id, email);
});

const list = async (search: Record<string, string> = {}) => renderToString((await GroupsPage({ searchParams: Promise.resolve(search) })) as ReactElement);
const detail = async () => renderToString(createElement("div", null, (await GroupPage({ params: Promise.resolve({ id: groupId }), searchParams: Promise.resolve({}) })) as ReactElement));

describe("/admin/groups", () => {
  it("lists groups with member counts, searched by name prefix; the create form for a user administrator", async () => {
    roles = ["user_admin"];
    const html = await list({ q: "rEnD" });
    expect(html).toContain("Render Team");
    expect(html).not.toContain(">Other<");
    expect(html).toContain('name="displayName"');
    expect(html).toContain("Create group");
  });

  it("no create form for the help desk", async () => {
    roles = ["help_desk"];
    const html = await list();
    expect(html).toContain("Render Team");
    expect(html).toContain("Other");
    expect(html).not.toContain("Create group");
  });
});

describe("/admin/groups/[id]", () => {
  it("shows the members and every form to a user administrator", async () => {
    roles = ["user_admin"];
    const html = await detail();
    expect(html).toContain(email);
    expect(html).toContain("Grace");
    for (const text of ["Rename", "Delete group…", "Add member", "Remove"]) expect(html).toContain(text);
  });

  it("shows the members without any form to the help desk", async () => {
    roles = ["help_desk"];
    const html = await detail();
    expect(html).toContain(email);
    for (const text of ["Rename", "Delete group…", "Add member", ">Remove<"]) expect(html).not.toContain(text);
  });
});
