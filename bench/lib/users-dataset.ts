// A population of customers for the console's benchmarks, loaded by PostgreSQL itself
// (INSERT ... SELECT over generate_series: no round trip per row) into the dedicated database
// portico_bench_admin, migrated by the project's own runner (lib/db openDatabase).
//
// Customer n (1-based) is deterministic (every property from its own hash of n, so none follows
// another: a region that followed the creation time would make the newest page of "region=MEA"
// the end of a walk through most of the table): id md5('user' || n)::uuid, an address built from a first
// name, a family name and n, a display name for 92%, given and family names for 35%, a phone
// number for 20%; created over three years (millisecond times, so some share one), never signed in
// for 15%, unverified 8%, locked 0.3%, disabled 0.5%, deletion pending 0.1%; attributes
// {"region": EU|US|APAC|LATAM|MEA (skewed), "tier": free|silver|gold|platinum (platinum 0.5%),
// "customer_no": n} so that the objects are as varied as real ones. With `scim` (npm run bench:scim)
// every customer is also a provisioned one: userName "user" + n on 7 digits (user0000123),
// externalId md5('ext' || n)::uuid, and scimAttributes {"emails": [{value: the address, type: work,
// primary: true}]}; scimIdentifiers(n) gives the same two values in JavaScript.
import crypto from "node:crypto";
import pg from "pg";
import { onCleanup } from "./cleanup";

export const BENCH_ADMIN_DB = "portico_bench_admin";

/** Customer n's userName and externalId as loadUsers(..., { scim: true }) writes them. */
export function scimIdentifiers(n: number): { userName: string; externalId: string } {
  const hex = crypto.createHash("md5").update(`ext${n}`).digest("hex");
  return { userName: `user${String(n).padStart(7, "0")}`, externalId: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}` };
}

const FIRST = ["anna", "ben", "carla", "david", "elena", "felix", "greta", "hugo", "ines", "jonas", "karin", "luca", "maria", "nils", "olga", "paul", "quinn", "rosa", "sven", "tara", "umar", "vera", "wei", "xenia", "yusuf", "zoe", "amir", "bea", "chen", "dana", "emil", "fatima", "gabriel", "hana", "ivan", "julia", "kai", "lena", "mateo", "noor"];
const FAMILY = ["rossi", "garcia", "smith", "muller", "martin", "novak", "kowalski", "silva", "tanaka", "kim", "nguyen", "jensen", "dubois", "fischer", "moreau", "ricci", "lopez", "weber", "meyer", "santos", "costa", "horvat", "nagy", "popescu", "ivanova", "larsen", "berg", "olsen", "keller", "wagner", "schmidt", "bauer", "russo", "romano", "conti", "bianchi", "ferrari", "esposito", "greco", "marino", "hoffmann", "becker", "schulz", "koch", "richter", "klein", "wolf", "neumann", "schwarz", "zimmermann"];
const DOMAINS = ["example.com", "mail.example", "post.example", "inbox.example", "example.org", "corp.example", "shop.example", "web.example"];

const sqlArray = (xs: readonly string[]) => `ARRAY[${xs.map((x) => `'${x}'`).join(",")}]`;

/** The SQL expressions of customer g (an int column). */
/** 0..999999 from customer g and a salt, independent across salts (PostgreSQL's integer hash). */
const mix = (salt: number) => `((hashint8(g::bigint * 64 + ${salt}) & 2147483647) % 1000000)`;
const first = `(${sqlArray(FIRST)})[1 + ${mix(20)} % ${FIRST.length}]`;
const family = `(${sqlArray(FAMILY)})[1 + ${mix(21)} % ${FAMILY.length}]`;
const domain = `(${sqlArray(DOMAINS)})[1 + ${mix(22)} % ${DOMAINS.length}]`;
const THREE_YEARS_MS = 3 * 365 * 86_400_000;

export async function recreateBenchDatabase(adminUrl: string, keep: boolean, database = BENCH_ADMIN_DB): Promise<{ url: string; version: string }> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const version = (await admin.query<{ server_version: string }>("SHOW server_version")).rows[0]!.server_version.split(" ")[0]!;
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  if (!keep) {
    onCleanup(`drop database ${database}`, async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await c.end();
    });
  }
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return { url: url.toString(), version };
}

/** Adds customers from+1 .. to (1-based numbers), in batches, then refreshes statistics and the visibility map. */
export async function loadUsers(url: string, from: number, to: number, now: Date, opts: { scim?: boolean } = {}): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const nowSql = `'${now.toISOString()}'::timestamp`;
    const scimColumns = opts.scim ? `, "userName", "externalId", "scimAttributes"` : "";
    const scimValues = opts.scim
      ? `,
                'user' || lpad(g::text, 7, '0'),
                md5('ext' || g)::uuid::text,
                jsonb_build_object('emails', jsonb_build_array(jsonb_build_object('value', address, 'type', 'work', 'primary', true)))`
      : "";
    for (let start = from + 1; start <= to; start += 100_000) {
      const end = Math.min(to, start + 99_999);
      await c.query(
        `INSERT INTO "User" ("id", "email", "emailVerifiedAt", "displayName", "givenName", "familyName", "phoneNumber", "lockedUntil", "disabledAt",
                             "deletionRequestedAt", "deletionDueAt", "createdAt", "updatedAt", "lastLoginAt", "attributes"${scimColumns})
         SELECT md5('user' || g)::uuid,
                address,
                CASE WHEN ${mix(1)} < 80000 THEN NULL ELSE created + interval '10 minutes' END,
                CASE WHEN ${mix(2)} < 80000 THEN NULL ELSE initcap(${first}) || ' ' || initcap(${family}) END,
                CASE WHEN ${mix(3)} < 350000 THEN initcap(${first}) END,
                CASE WHEN ${mix(3)} < 350000 THEN initcap(${family}) END,
                CASE WHEN ${mix(4)} < 200000 THEN '+' || (ARRAY['44','49','33','1','39','34'])[1 + g % 6] || lpad((${mix(5)} * 1000 + g % 1000)::text, 9, '0') END,
                CASE WHEN ${mix(6)} < 3000 THEN ${nowSql} + interval '1 hour' WHEN ${mix(6)} < 6000 THEN ${nowSql} - interval '1 day' END,
                CASE WHEN ${mix(7)} < 6000 THEN created + interval '30 days' END,
                CASE WHEN ${mix(7)} < 1000 THEN created + interval '30 days' END,
                CASE WHEN ${mix(7)} < 1000 THEN created + interval '60 days' END,
                created, created,
                CASE WHEN ${mix(8)} < 150000 THEN NULL
                     ELSE least(${nowSql}, created + (${mix(9)}::bigint * (${nowSql} - created) / 1000000)) END,
                jsonb_build_object(
                  'region', CASE WHEN ${mix(10)} < 400000 THEN 'EU' WHEN ${mix(10)} < 700000 THEN 'US' WHEN ${mix(10)} < 850000 THEN 'APAC' WHEN ${mix(10)} < 950000 THEN 'LATAM' ELSE 'MEA' END,
                  'tier', CASE WHEN ${mix(11)} < 5000 THEN 'platinum' WHEN ${mix(11)} < 50000 THEN 'gold' WHEN ${mix(11)} < 250000 THEN 'silver' ELSE 'free' END,
                  'customer_no', g)${scimValues}
           FROM generate_series($1::int, $2::int) g,
                LATERAL (SELECT ${first} || '.' || ${family} || g || '@' || ${domain} AS address) a,
                LATERAL (SELECT date_trunc('milliseconds', ${nowSql} - interval '${THREE_YEARS_MS} milliseconds' + (${mix(0)}::bigint * ${THREE_YEARS_MS / 1_000_000}) * interval '1 millisecond') AS created) x`,
        [start, end],
      );
    }
    await c.query(`VACUUM ANALYZE "User"`);
    // The load and the vacuum leave the shared buffers dirty: written now, not by the first reads measured.
    await c.query("CHECKPOINT");
  } finally {
    await c.end();
  }
}

/** A few customers' searchable facts, spread over the population, for varying the search terms. */
export async function sampleUsers(url: string, total: number, count: number) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const numbers = Array.from({ length: count }, (_, i) => 1 + Math.floor(((i + 0.5) * total) / count));
    const { rows } = await c.query<{ id: string; email: string; displayName: string | null; familyName: string | null; phoneNumber: string | null }>(
      `SELECT "id", "email", "displayName", "familyName", "phoneNumber" FROM "User" WHERE "id" = ANY(SELECT md5('user' || n)::uuid FROM unnest($1::int[]) n)`,
      [numbers],
    );
    return rows;
  } finally {
    await c.end();
  }
}
