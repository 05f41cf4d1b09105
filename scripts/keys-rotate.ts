// `npm run keys:rotate [-- --alg ES256|RS256]`: publish new signing keys now; they sign from
// now + KEY_ACTIVATION_DELAY, when the current keys retire (kept in the JWKS for MAX_TOKEN_LIFETIME).
// Stop a running server on the embedded database first (PGlite is single-process). Servers on
// PostgreSQL pick the new keys up by themselves within a minute (at once when they share REDIS_URL),
// long before they activate.
import { closeDb, defaultDbOptions, openDatabase, setDb } from "../lib/db/client";
import { KEY_ACTIVATION_DELAY, rotateKeys, SUPPORTED_ALGS } from "../lib/keys";
import { closeProcessState } from "../lib/process";

function parseArgs(argv: string[]): { alg?: string } {
  const out: { alg?: string } = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--help" || a === "-h") {
      console.log(`Usage: npm run keys:rotate [-- --alg ${SUPPORTED_ALGS.join("|")}]  (default: every alg)`);
      process.exit(0);
    } else if (a === "--alg") out.alg = argv[++i];
    else if (a.startsWith("--alg=")) out.alg = a.slice("--alg=".length);
    else throw new Error(`Unknown argument ${a} (try --help)`);
  }
  return out;
}

async function main() {
  const { alg } = parseArgs(process.argv.slice(2));
  const opts = defaultDbOptions();
  setDb(openDatabase(opts));
  try {
    const rotated = await rotateKeys({ alg, actor: { type: "system", id: "keys:rotate" } });
    console.log(`${opts.databaseUrl ? "PostgreSQL" : `PGlite (${opts.pgliteDir})`}: rotated ${rotated.length} signing key(s)`);
    for (const k of rotated) {
      const when = k.retired.length ? `signs from ${k.activatesAt.toISOString()} (in ${KEY_ACTIVATION_DELAY / 60_000} min)` : "signs now (first key for this alg)";
      console.log(`  ${k.alg}  kid ${k.kid}  published now, ${when}`);
      for (const r of k.retired) console.log(`         retires ${r.kid} at ${r.retiredAt.toISOString()}, unpublished ${r.unpublishAt.toISOString()}`);
    }
  } finally {
    await closeProcessState(); // sends the rotation's invalidation to running servers first (with REDIS_URL)
    await closeDb();
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
