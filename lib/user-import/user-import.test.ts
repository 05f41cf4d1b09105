import { pbkdf2Sync, randomBytes, scryptSync } from "node:crypto";
import { beforeAll, describe, expect, it, vi } from "vitest";

// The account writes, with a switch that makes one of them fail once (a worker interrupted mid-batch).
const crash = vi.hoisted(() => ({ atCall: 0, calls: 0 }));
vi.mock("./user-import.repo", async (importOriginal) => {
  const real = await importOriginal<typeof import("./user-import.repo")>();
  return {
    ...real,
    createAccount: (...args: Parameters<typeof real.createAccount>) => {
      crash.calls++;
      if (crash.atCall && crash.calls === crash.atCall) throw new Error("worker interrupted");
      return real.createAccount(...args);
    },
  };
});

import bcrypt from "bcryptjs";
import { hash as argon2Hash } from "@node-rs/argon2";
import { useTestDatabase, usingPostgres } from "@/test/db";
import { listAuditEvents } from "@/lib/audit";
import { needsRehash } from "@/lib/credentials";
import { PermissionError } from "@/lib/errors";
import { createAttributeDefinition } from "@/lib/profile";
import { ADMIN_ROLE, authenticateWithPassword, type Actor } from "@/lib/users";
import { exportFile, importReport, listExports, listImports, runDueUserJobs, startExport, startImport, UserImportError } from "./index";
import { IMPORT_BATCH_ROWS, MAX_IMPORT_BYTES, type ImportOptions } from "./user-import.schema";

const t = useTestDatabase();
const ctx = { ip: "192.0.2.80", userAgent: "vitest" };
const b64 = (b: Buffer) => b.toString("base64").replace(/=+$/, "");
const utf8 = (s: string) => new TextEncoder().encode(s);
const CSV: ImportOptions = { format: "auto", onConflict: "skip" };

let admin: Actor;
async function person(email: string, roles: string[] = []): Promise<Actor> {
  const u = await t.db().user.create({ data: { email, emailVerifiedAt: new Date() } });
  // Held in the database too: the import's batches act with the grants as they stand when they run.
  for (const grant of roles) {
    const [role, ...scope] = grant.split(":");
    await t.db().userRole.create({ data: { userId: u.id, role: role!, scope: scope.length ? scope.join(":") : null } });
  }
  return { id: u.id, roles };
}
const job = (id: string) => t.db().userImport.findUniqueOrThrow({ where: { id } });
const account = (email: string) => t.db().user.findUnique({ where: { email } });

beforeAll(async () => {
  admin = await person("import-admin@example.com", [ADMIN_ROLE]);
  await createAttributeDefinition(admin, { name: "region", label: "Region", type: "string", required: false, rules: {}, customerAccess: "read", appReadScope: "profile" }, ctx);
});

describe(`user import on ${usingPostgres ? "PostgreSQL" : "PGlite"}`, () => {
  it("imports a mixed CSV file: exact counts and an exact rejected-rows report", async () => {
    await person("already@example.com");
    const bcryptHash = await bcrypt.hash("first-user-password-1", 4);
    const file = [
      "email,email_verified,given_name,password_hash,attr.region,attr.nosuch",
      `ada@example.com,true,Ada,${bcryptHash},EU,`,
      "grace@example.com,false,Grace,,US,",
      "ADA@example.com,true,Ada again,,,",
      `linus@example.com,true,Linus,$2b$31$${"a".repeat(53)},,`,
      "not-an-email,true,Nobody,,,",
      "ken@example.com,true,Ken,,,x",
      "already@example.com,true,Al,,,",
      '"quoted@example.com",true,"Smith, ""Q""",,,',
    ].join("\r\n");
    const { id, rows } = await startImport(admin, { filename: "mixed.csv", bytes: utf8(file), options: CSV }, ctx);
    expect(rows).toBe(8);
    expect((await job(id)).status).toBe("pending");
    await runDueUserJobs();

    expect(await job(id)).toMatchObject({ status: "done", totalRows: 8, processed: 8, created: 3, updated: 0, rejected: 5, content: "" });
    const report = await importReport(admin, id);
    expect(report.filename).toBe("rejected-mixed.csv");
    expect(report.body).toBe(
      [
        "row,email,reason",
        "4,ada@example.com,duplicate email in the file (first at row 2)",
        "5,linus@example.com,password_hash: bcrypt cost must be 4 to 12.",
        "6,not-an-email,\"email: Enter a valid email address, like name@example.com.\"",
        "7,ken@example.com,attribute nosuch: There is no such attribute.",
        "8,already@example.com,an account with this email exists (skipped)",
        "",
      ].join("\r\n"),
    );
    const ada = (await account("ada@example.com"))!;
    expect(ada).toMatchObject({ givenName: "Ada", passwordHash: bcryptHash, attributes: { region: "EU" } });
    expect(ada.emailVerifiedAt).not.toBeNull();
    expect((await account("grace@example.com"))!).toMatchObject({ passwordHash: null, emailVerifiedAt: null, givenName: "Grace" });
    expect((await account("quoted@example.com"))!.givenName).toBe('Smith, "Q"');
    expect((await account("already@example.com"))!.givenName).toBeNull();

    // One audit event per created account, by the administrator; the job's start and end with its counts.
    const imported = await listAuditEvents({ action: "user.imported", take: 50 });
    expect(imported.filter((e) => (e.details as { importId?: string }).importId === id)).toHaveLength(3);
    expect(imported.find((e) => e.targetId === ada.id)).toMatchObject({ actorId: admin.id });
    expect(await listAuditEvents({ action: "user_import.completed", targetId: id })).toMatchObject([{ details: { rows: 8, created: 3, updated: 0, rejected: 5 } }]);
    expect((await listImports(admin)).find((j) => j.id === id)).toMatchObject({ state: "done", processed: 8, total: 8, created: 3, rejected: 5 });
  });

  it("updates existing accounts from JSON when asked, merging attributes and never setting their password", async () => {
    const existing = await person("update-me@example.com");
    await t.db().user.update({ where: { id: existing.id }, data: { passwordHash: "kept", attributes: { region: "EU" }, familyName: "Kept" } });
    const file = JSON.stringify([{ email: "update-me@example.com", given_name: "New", password_hash: await bcrypt.hash("x-password-123", 4), address: { locality: "Lyon" } }]);
    const { id } = await startImport(admin, { filename: "users.json", bytes: utf8(file), options: { format: "auto", onConflict: "update" } }, ctx);
    await runDueUserJobs();
    expect(await job(id)).toMatchObject({ status: "done", created: 0, updated: 1, rejected: 0 });
    expect(await account("update-me@example.com")).toMatchObject({ givenName: "New", familyName: "Kept", passwordHash: "kept", attributes: { region: "EU" }, address: { locality: "Lyon" } });
  });

  it("resumes after an interrupted batch from the last committed row, creating every account once", async () => {
    const n = IMPORT_BATCH_ROWS * 2 + 50;
    const lines = Array.from({ length: n }, (_, i) => JSON.stringify({ email: `bulk-${i}@example.com`, name: `Bulk ${i}` }));
    const { id } = await startImport(admin, { filename: "bulk.jsonl", bytes: utf8(lines.join("\n")), options: CSV }, ctx);
    crash.calls = 0;
    crash.atCall = IMPORT_BATCH_ROWS + 10; // inside the second batch
    await runDueUserJobs();
    crash.atCall = 0;
    expect(await job(id)).toMatchObject({ status: "pending", attempts: 1, processed: IMPORT_BATCH_ROWS, created: IMPORT_BATCH_ROWS });
    expect(await t.db().user.count({ where: { email: { startsWith: "bulk-" } } })).toBe(IMPORT_BATCH_ROWS);

    await t.db().userImport.update({ where: { id }, data: { nextAttemptAt: new Date(0) } }); // its backoff has passed
    await runDueUserJobs();
    expect(await job(id)).toMatchObject({ status: "done", processed: n, created: n, rejected: 0 });
    expect(await t.db().user.count({ where: { email: { startsWith: "bulk-" } } })).toBe(n);
    const events = await listAuditEvents({ action: "user.imported", take: 1000 });
    expect(events.filter((e) => (e.details as { importId?: string }).importId === id)).toHaveLength(n);
  });

  it("signs each imported hash format in through the password sign-in, which stores argon2id afterwards", async () => {
    const pw = "migrated-password-from-elsewhere";
    const salt = randomBytes(16);
    const hashes: Record<string, string> = {
      argon2i: await argon2Hash(pw, { algorithm: 1 }),
      argon2id: await argon2Hash(pw, { memoryCost: 8192, timeCost: 3, parallelism: 1 }),
      bcrypt: await bcrypt.hash(pw, 5),
      scrypt: `$scrypt$ln=12,r=8,p=1$${b64(salt)}$${b64(scryptSync(pw, salt, 32, { N: 4096, r: 8, p: 1 }))}`,
      pbkdf2: `$pbkdf2-sha256$i=10000$${b64(salt)}$${b64(pbkdf2Sync(pw, salt, 10000, 32, "sha256"))}`,
      django: `pbkdf2_sha256$10000$djangosalt$${pbkdf2Sync(pw, "djangosalt", 10000, 32, "sha256").toString("base64")}`,
    };
    const file = Object.entries(hashes).map(([kind, h]) => JSON.stringify({ email: `hash-${kind}@example.com`, email_verified: true, password_hash: h }));
    const { id } = await startImport(admin, { filename: "hashes.jsonl", bytes: utf8(file.join("\n")), options: CSV }, ctx);
    await runDueUserJobs();
    expect(await job(id)).toMatchObject({ status: "done", created: 6, rejected: 0 });
    for (const kind of Object.keys(hashes)) {
      const email = `hash-${kind}@example.com`;
      await expect(authenticateWithPassword({ email, password: `${pw}!` }, ctx), kind).rejects.toMatchObject({ code: "invalid_credentials" });
      const user = await authenticateWithPassword({ email, password: pw }, ctx);
      expect(user.email).toBe(email);
      const stored = (await account(email))!.passwordHash!;
      expect(stored, kind).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      expect(needsRehash(stored)).toBe(false);
    }
  });

  it("refuses a file over the size limit, an unreadable file and an unknown column at the form", async () => {
    const big = new Uint8Array(MAX_IMPORT_BYTES + 1);
    await expect(startImport(admin, { filename: "big.csv", bytes: big, options: CSV }, ctx)).rejects.toMatchObject({ code: "too_large", field: "file", message: expect.stringMatching(/limit is 50\.0 MB/) });
    await expect(startImport(admin, { filename: "x.csv", bytes: utf8("email,roles\na@example.com,admin"), options: CSV }, ctx)).rejects.toMatchObject({ code: "invalid_file", message: expect.stringMatching(/Roles cannot be imported/) });
    await expect(startImport(admin, { filename: "x.csv", bytes: utf8("email,shoe_size\na@example.com,44"), options: CSV }, ctx)).rejects.toMatchObject({ code: "invalid_file", message: expect.stringMatching(/Unknown columns: shoe_size/) });
    await expect(startImport(admin, { filename: "x.json", bytes: utf8("{not json"), options: CSV }, ctx)).rejects.toBeInstanceOf(UserImportError);
    await expect(startImport(admin, { filename: "x.csv", bytes: new Uint8Array([0xff, 0xfe, 0x00]), options: CSV }, ctx)).rejects.toMatchObject({ message: "The file is not UTF-8 text." });
  });

  it("keeps a segment's importer to its segment: every row must carry the segment's value", async () => {
    const scoped = await person("eu-admin@example.com", ["user_admin:region=EU"]);
    const file = ["email,attr.region", "eu-one@example.com,EU", "us-one@example.com,US", "none@example.com,"].join("\n");
    const { id } = await startImport(scoped, { filename: "eu.csv", bytes: utf8(file), options: CSV }, ctx);
    await runDueUserJobs();
    expect(await job(id)).toMatchObject({ created: 1, rejected: 2 });
    expect((await importReport(scoped, id)).body).toContain("3,us-one@example.com,outside your segment (it must carry attr.region=EU)");
    expect(await account("us-one@example.com")).toBeNull();
    // Another administrator's import is not theirs to read.
    const other = (await listImports(admin))[1]!;
    await expect(importReport(scoped, other.id)).rejects.toMatchObject({ code: "not_found" });
    expect((await listImports(scoped)).map((j) => j.id)).toEqual([id]);
  });

  it("acts with the importer's grants as they stand at each batch: a role taken away rejects the rest", async () => {
    const importer = await person("revoked-importer@example.com", ["user_admin"]);
    const { id } = await startImport(importer, { filename: "late.csv", bytes: utf8("email\nlate-one@example.com\nlate-two@example.com") , options: CSV }, ctx);
    await t.db().userRole.deleteMany({ where: { userId: importer.id } });
    await runDueUserJobs();
    expect(await job(id)).toMatchObject({ created: 0, rejected: 2 });
    expect((await importReport(admin, id)).body).toContain("2,late-one@example.com,the administrator who started the import may no longer import users");
    expect(await account("late-one@example.com")).toBeNull();
  });

  it("leaves an address held for another account's switch back (its email change can still be undone)", async () => {
    const mover = await person("moved-away@example.com");
    await t.db().userToken.create({
      data: { userId: mover.id, purpose: "cancel_email_change", tokenHash: randomBytes(32).toString("hex"), email: "moved-away-old@example.com", expiresAt: new Date(Date.now() + 86_400_000) },
    });
    const { id } = await startImport(admin, { filename: "held.csv", bytes: utf8("email\nmoved-away-old@example.com"), options: CSV }, ctx);
    await runDueUserJobs();
    expect(await job(id)).toMatchObject({ created: 0, rejected: 1 });
    expect((await importReport(admin, id)).body).toContain("2,moved-away-old@example.com,an account with this email exists");
    expect(await account("moved-away-old@example.com")).toBeNull();
  });

  it("refuses the help desk and the auditor", async () => {
    for (const role of ["help_desk", "auditor"]) {
      const actor = await person(`${role}-imp@example.com`, [role]);
      await expect(startImport(actor, { filename: "a.csv", bytes: utf8("email\na@example.com"), options: CSV }, ctx)).rejects.toBeInstanceOf(PermissionError);
      await expect(startExport(actor, { format: "jsonl", status: "any" }, ctx)).rejects.toBeInstanceOf(PermissionError);
      await expect(listImports(actor)).rejects.toBeInstanceOf(PermissionError);
      await expect(listExports(actor)).rejects.toBeInstanceOf(PermissionError);
      await expect(exportFile(actor, crypto.randomUUID())).rejects.toBeInstanceOf(PermissionError);
    }
  });
});

describe("user export", () => {
  it("writes JSON Lines and CSV of the accounts with profiles and attributes, never a password hash", async () => {
    const jsonl = await startExport(admin, { format: "jsonl", status: "any" }, ctx);
    const csv = await startExport(admin, { format: "csv", status: "active" }, ctx);
    await expect(exportFile(admin, jsonl.id)).rejects.toMatchObject({ code: "not_ready" });
    await runDueUserJobs();
    const lines = (await exportFile(admin, jsonl.id)).body.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    const total = await t.db().user.count();
    expect(lines).toHaveLength(total);
    expect(lines.find((l) => l.email === "ada@example.com")).toMatchObject({ given_name: "Ada", email_verified: true, attributes: { region: "EU" }, status: "active", password: "bcrypt" });
    // The imported accounts that signed in are on argon2id now; one without a password says so.
    expect(lines.find((l) => l.email === "hash-scrypt@example.com")).toMatchObject({ password: "argon2id" });
    expect(lines.find((l) => l.email === "grace@example.com")).toMatchObject({ password: "none" });
    const csvFile = await exportFile(admin, csv.id);
    expect(csvFile.contentType).toMatch(/^text\/csv/);
    expect(csvFile.body.split("\r\n")[0]).toMatch(/^id,email,email_verified,status,password,name,given_name,.*,attr\.region$/);
    expect(csvFile.body).toContain("ada@example.com");
    for (const body of [JSON.stringify(lines), csvFile.body]) {
      expect(body.match(/\$argon2|\$2[aby]\$|\$scrypt\$|\$pbkdf2|pbkdf2_sha|passwordHash|password_hash/)).toBeNull();
    }
    expect(await t.db().userExport.findUniqueOrThrow({ where: { id: jsonl.id } })).toMatchObject({ status: "done", processed: total, totalRows: total });
  });

  it("exports only the segment's accounts for a segment-scoped administrator", async () => {
    const scoped = await person("eu-exporter@example.com", ["user_admin:region=EU"]);
    const { id } = await startExport(scoped, { format: "jsonl", status: "any" }, ctx);
    await runDueUserJobs();
    const emails = (await exportFile(scoped, id)).body.trim().split("\n").map((l) => (JSON.parse(l) as { email: string }).email);
    expect(emails.sort()).toEqual(["ada@example.com", "eu-one@example.com", "update-me@example.com"]);
    // Its progress counts what it wrote, never the tenant's accounts.
    expect(await t.db().userExport.findUniqueOrThrow({ where: { id } })).toMatchObject({ processed: 3, totalRows: 3 });
  });

  it("ends an export whose administrator lost users:export before it ran, writing nothing", async () => {
    const exporter = await person("revoked-exporter@example.com", ["user_admin"]);
    const { id } = await startExport(exporter, { format: "jsonl", status: "any" }, ctx);
    await t.db().userRole.deleteMany({ where: { userId: exporter.id } });
    await runDueUserJobs();
    const row = await t.db().userExport.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ status: "done", processed: 0 });
    expect(row.content).not.toContain("@example.com");
    expect((await listAuditEvents({ targetId: id, action: "user_export.completed" }))[0]!.details).toMatchObject({ stopped: "permission_withdrawn" });
  });
});
