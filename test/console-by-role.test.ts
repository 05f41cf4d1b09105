// Every console page and every console server action, for every administrative role: a role
// without the permission is refused by the server (403), not only left out of the navigation; a
// role holding it passes the permission check and meets the console's next bar (here: a strong
// second factor, which these test administrators lack, so a redirect to the security page).
// The session is the one thing faked; the guards, wrappers and pages are the real ones.
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { useTestDatabase } from "@/test/db";
import { ROLE_PERMISSIONS, ROLES, type Permission, type Role } from "@/lib/users/permissions";

const ADMIN_DIR = path.resolve(__dirname, "../app/(admin)/admin");
useTestDatabase();
// next.config.js turns forbidden() on (experimental.authInterrupts); the build sets this for the server.
process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = "true";

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
// The permission each action asks the guard for, recorded on the way to the real guard.
let asked: string[] = [];
vi.mock("@/lib/http/guards", async (original) => {
  const real = await original<typeof import("@/lib/http/guards")>();
  return {
    ...real,
    adminActionActor: (permission: Permission, returnTo: string) => {
      asked.push(permission);
      return real.adminActionActor(permission, returnTo);
    },
  };
});
vi.mock("next/headers", async (original) => ({
  ...(await original<typeof import("next/headers")>()),
  headers: async () => new Headers({ host: "localhost", "user-agent": "vitest" }),
  cookies: async () => ({ get: () => undefined, getAll: () => [], has: () => false, set: () => undefined, delete: () => undefined }),
}));

function files(dir: string, name: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? files(p, name) : e.name === name ? [p] : [];
  });
}

/** What a Next.js interrupt (forbidden, redirect, notFound) carries. */
function outcome(e: unknown): string {
  const digest = (e as { digest?: unknown })?.digest;
  if (typeof digest === "string" && digest.startsWith("NEXT_HTTP_ERROR_FALLBACK;")) return digest.slice("NEXT_HTTP_ERROR_FALLBACK;".length);
  if (typeof digest === "string" && digest.startsWith("NEXT_REDIRECT")) return "redirect";
  return "other";
}

async function run(fn: () => unknown): Promise<string> {
  try {
    await fn();
    return "returned";
  } catch (e) {
    return outcome(e);
  }
}

const holds = (role: Role, permission: Permission) => ROLE_PERMISSIONS[role].includes(permission);

// Pages: the permission is the one named in the page's requireAdmin call.
const pages = files(ADMIN_DIR, "page.tsx").map((file) => {
  const source = fs.readFileSync(file, "utf8");
  const permission = source.match(/requireAdmin\([\s\S]*?permission: "([a-z_]+:[a-z_]+)"/)?.[1] as Permission | undefined;
  return { name: path.relative(ADMIN_DIR, file), file, permission };
});

describe("console pages by role", () => {
  it("every page but the console's entry names the permission it needs", () => {
    expect(pages.filter((p) => !p.permission).map((p) => p.name)).toEqual(["page.tsx"]);
    expect(pages.length).toBeGreaterThanOrEqual(10);
  });

  const cases = pages.filter((p) => p.permission).flatMap((p) => ROLES.map((role) => [p.name, role, p.file, p.permission!] as const));
  it.each(cases)("%s as %s", async (_name, role, file, permission) => {
    roles = [role];
    const page = (await import(file)).default as (props: unknown) => Promise<unknown>;
    const props = { params: Promise.resolve({ id: "00000000-0000-4000-8000-0000000000aa" }), searchParams: Promise.resolve({}) };
    const result = await run(() => page(props));
    if (holds(role, permission)) expect(result).toBe("redirect");
    else expect(result).toBe("403");
  });
});

// Server actions: every exported function of every console actions.ts; the permission is the one it asks the guard for.
function exportedNames(source: string): string[] {
  return [...source.matchAll(/^export (?:async function|const) (\w+)/gm)].map((m) => m[1]!);
}

const actions = files(ADMIN_DIR, "actions.ts").flatMap((file) =>
  exportedNames(fs.readFileSync(file, "utf8")).map((name) => ({
    name: `${path.relative(ADMIN_DIR, file)} ${name}`,
    file,
    exported: name,
  })),
);

describe("console server actions by role", () => {
  beforeAll(() => {
    expect(actions.length).toBeGreaterThan(10);
  });

  const cases = actions.flatMap((a) => ROLES.map((role) => [a.name, role, a.file, a.exported] as const));
  it.each(cases)("%s as %s", async (_name, role, file, exported) => {
    roles = [role];
    asked = [];
    const action = (await import(file))[exported] as (...args: unknown[]) => Promise<unknown>;
    const result = await run(() => action({}, new FormData()));
    // The guard is the first thing the action does, and it names exactly one permission.
    expect(asked).toHaveLength(1);
    const permission = asked[0] as Permission;
    expect(ROLE_PERMISSIONS.admin).toContain(permission);
    // A holder meets the next bar (a strong second factor) and is sent to set one up; never a 403.
    if (holds(role, permission)) expect(result).toBe("redirect");
    else expect(result).toBe("403");
  });
});

// Connections: pages and actions named here, so a rename cannot drop them from the walk above
// unnoticed, each with the permission it must ask: managing connections is connections:write (the
// super administrator alone), choosing an application's is that application's applications:write.
describe("connections console", () => {
  it("its pages are walked above with the permission each names", () => {
    const named = pages.filter((p) => p.name.startsWith("connections")).map((p) => [p.name, p.permission]);
    expect(named.sort()).toEqual([
      ["connections/[id]/page.tsx", "connections:read"],
      ["connections/new/page.tsx", "connections:write"],
      ["connections/page.tsx", "connections:read"],
    ]);
  });

  const expected: Record<string, Permission> = {
    "connections/actions.ts createConnectionAction": "connections:write",
    "connections/actions.ts updateConnectionAction": "connections:write",
    "connections/actions.ts setConnectionDomainsAction": "connections:write",
    "connections/actions.ts deleteConnectionAction": "connections:write",
    "applications/actions.ts setApplicationConnectionsAction": "applications:write",
  };
  it.each(Object.entries(expected))("%s asks for %s; refused to every role without it", async (name, permission) => {
    const found = actions.find((a) => a.name === name);
    expect(found, name).toBeDefined();
    for (const role of ROLES) {
      roles = [role];
      asked = [];
      const action = (await import(found!.file))[found!.exported] as (...args: unknown[]) => Promise<unknown>;
      const result = await run(() => action({}, new FormData()));
      expect(asked, role).toEqual([permission]);
      expect(result, role).toBe(holds(role, permission) ? "redirect" : "403");
    }
    // Only the super administrator manages connections; an application administrator chooses among them.
    expect(ROLES.filter((r) => holds(r, permission))).toEqual(permission === "connections:write" ? ["admin"] : ["admin", "app_admin"]);
  });
});

// Application roles: named here for the same reason; each is that application's applications:write,
// held by the super administrator and the application administrator.
describe("application roles console", () => {
  it.each(["setRoleClaimsAction", "createRoleAction", "deleteRoleAction", "assignRoleAction", "unassignRoleAction"])("%s asks for applications:write", async (exported) => {
    const found = actions.find((a) => a.name === `applications/actions.ts ${exported}`);
    expect(found, exported).toBeDefined();
    for (const role of ROLES) {
      roles = [role];
      asked = [];
      const action = (await import(found!.file))[found!.exported] as (...args: unknown[]) => Promise<unknown>;
      const result = await run(() => action({}, new FormData()));
      expect(asked, role).toEqual(["applications:write"]);
      expect(result, role).toBe(holds(role, "applications:write") ? "redirect" : "403");
    }
    expect(ROLES.filter((r) => holds(r, "applications:write"))).toEqual(["admin", "app_admin"]);
  });
});

// Provisioning (SCIM tokens): named here for the same reason. Reading the tokens is provisioning:read
// (the super administrator and the auditor), making and revoking them provisioning:write (the super
// administrator alone: a write token creates and deletes accounts).
describe("provisioning console", () => {
  it("its page is walked above with provisioning:read", () => {
    expect(pages.filter((p) => p.name.startsWith("provisioning")).map((p) => [p.name, p.permission]).sort()).toEqual([
      ["provisioning/page.tsx", "provisioning:read"],
      ["provisioning/targets/[id]/page.tsx", "provisioning:read"],
      ["provisioning/targets/page.tsx", "provisioning:read"],
    ]);
    expect(ROLES.filter((r) => holds(r, "provisioning:read"))).toEqual(["admin", "auditor"]);
  });

  it.each([
    "actions.ts createProvisioningTokenAction",
    "actions.ts revokeProvisioningTokenAction",
    ...["createTargetAction", "updateTargetAction", "replaceTargetTokenAction", "setTargetEnabledAction", "syncTargetNowAction", "reconcileTargetNowAction", "deleteTargetAction"].map((a) => `targets/actions.ts ${a}`),
  ])("%s asks for provisioning:write; refused to every role but the super administrator", async (exported) => {
    const found = actions.find((a) => a.name === `provisioning/${exported}`);
    expect(found, exported).toBeDefined();
    for (const role of ROLES) {
      roles = [role];
      asked = [];
      const action = (await import(found!.file))[found!.exported] as (...args: unknown[]) => Promise<unknown>;
      const result = await run(() => action({}, new FormData()));
      expect(asked, role).toEqual(["provisioning:write"]);
      expect(result, role).toBe(role === "admin" ? "redirect" : "403");
    }
  });
});

// Groups: named here for the same reason. Reading them is groups:read (the super administrator, the
// user administrator, the help desk and the auditor); every change groups:write (the super and the
// user administrator; lib/groups then asks users:write over a member).
describe("groups console", () => {
  it("its pages are walked above with groups:read", () => {
    const named = pages.filter((p) => p.name.startsWith("groups")).map((p) => [p.name, p.permission]);
    expect(named.sort()).toEqual([
      ["groups/[id]/page.tsx", "groups:read"],
      ["groups/page.tsx", "groups:read"],
    ]);
    expect(ROLES.filter((r) => holds(r, "groups:read"))).toEqual(["admin", "user_admin", "help_desk", "auditor"]);
  });

  it.each(["createGroupAction", "renameGroupAction", "deleteGroupAction", "addMemberAction", "removeMemberAction"])("%s asks for groups:write; refused to every role without it", async (exported) => {
    const found = actions.find((a) => a.name === `groups/actions.ts ${exported}`);
    expect(found, exported).toBeDefined();
    for (const role of ROLES) {
      roles = [role];
      asked = [];
      const action = (await import(found!.file))[found!.exported] as (...args: unknown[]) => Promise<unknown>;
      const result = await run(() => action({}, new FormData()));
      expect(asked, role).toEqual(["groups:write"]);
      expect(result, role).toBe(role === "admin" || role === "user_admin" ? "redirect" : "403");
    }
  });
});

// Webhooks: named here for the same reason. Reading subscriptions and their delivery logs is
// webhooks:read (the super administrator and the auditor), every change webhooks:write (the super
// administrator alone: a subscription sends identity events out of Portico).
describe("webhooks console", () => {
  it("its pages are walked above with webhooks:read", () => {
    expect(pages.filter((p) => p.name.startsWith("webhooks")).map((p) => [p.name, p.permission]).sort()).toEqual([
      ["webhooks/[id]/page.tsx", "webhooks:read"],
      ["webhooks/page.tsx", "webhooks:read"],
    ]);
    expect(ROLES.filter((r) => holds(r, "webhooks:read"))).toEqual(["admin", "auditor"]);
  });

  it("every action asks for webhooks:write, refused to every role but the super administrator", async () => {
    const found = actions.filter((a) => a.name.startsWith("webhooks/actions.ts "));
    expect(found.map((a) => a.exported).sort()).toEqual([
      "createWebhookAction",
      "deleteWebhookAction",
      "replayWebhookDeliveryAction",
      "replayWebhookSinceAction",
      "rotateWebhookSecretAction",
      "sendWebhookTestAction",
      "setWebhookEnabledAction",
      "updateWebhookAction",
    ]);
    for (const a of found) {
      for (const role of ROLES) {
        roles = [role];
        asked = [];
        const action = (await import(a.file))[a.exported] as (...args: unknown[]) => Promise<unknown>;
        const result = await run(() => action({}, new FormData()));
        expect(asked, `${a.exported} ${role}`).toEqual(["webhooks:write"]);
        expect(result, `${a.exported} ${role}`).toBe(role === "admin" ? "redirect" : "403");
      }
    }
  });
});
