// `npm run scim:token -- --name <client> [--read-only] [--invite] [--days N]`: a bearer token for the SCIM API
// (/scim/v2), printed once; only its hash is kept. Administrators can also make them in the console.
// Stop a running server on the embedded database first (PGlite is single-process).
import { closeDb, defaultDbOptions, openDatabase, setDb } from "../lib/db/client";
import { createProvisioningToken } from "../lib/provisioning";
import { closeProcessState } from "../lib/process";

function parseArgs(argv: string[]): { name?: string; write: boolean; invite: boolean; days: number } {
  const out = { name: undefined as string | undefined, write: true, invite: false, days: 365 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--help" || a === "-h") {
      console.log("Usage: npm run scim:token -- --name <client> [--read-only] [--invite] [--days 1-730]  (default: read and write, no invitations, 365 days)");
      process.exit(0);
    } else if (a === "--name") out.name = argv[++i];
    else if (a === "--read-only") out.write = false;
    else if (a === "--invite") out.invite = true;
    else if (a === "--days") out.days = Number(argv[++i]);
    else throw new Error(`Unknown argument ${a} (try --help)`);
  }
  return out;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (!args.name) throw new Error("--name is required (try --help)");
  setDb(openDatabase(defaultDbOptions()));
  try {
    const issued = await createProvisioningToken({ operator: "scim:token" }, { name: args.name, write: args.write, sendInvitations: args.invite, lifetimeDays: args.days }, {});
    // The token alone on stdout, so a script can capture it; the rest on stderr.
    console.error(`SCIM token "${issued.name}" (${issued.scopes.join(" ")}), expires ${issued.expiresAt.toISOString()}. Shown once:`);
    console.log(issued.token);
  } finally {
    await closeProcessState();
    await closeDb();
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
