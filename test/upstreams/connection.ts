// A connection as lib/federation reads it from the database, built in memory for the upstream
// layer's tests (the settings parsed by the same schema the console's form uses).
import { connectionSettingsSchema, type PresetName } from "@/lib/federation/connection.schema";
import type { ConnectionWithSecret } from "@/lib/federation";

export function testConnection(settings: unknown, opts: { clientSecret: string | null; name?: string; preset?: PresetName | null; slug?: string }): ConnectionWithSecret {
  const parsed = connectionSettingsSchema.parse(settings);
  return {
    id: "00000000-0000-4000-8000-000000000001",
    slug: opts.slug ?? "upstream",
    name: opts.name ?? "Stand-in",
    protocol: parsed.protocol,
    preset: opts.preset ?? null,
    enabled: true,
    settings: parsed,
    hasClientSecret: opts.clientSecret !== null,
    clientSecret: opts.clientSecret,
    trustEmailVerified: false,
    storeTokens: false,
    createdAt: new Date(),
    updatedAt: new Date(),
  };
}

/** Loopback is the SSRF guard's refusal by default: the stand-ins need it allowed, one test needs it refused. */
export function allowLoopback(allowed: boolean, reload: () => void): void {
  if (allowed) process.env.OUTBOUND_ALLOW_LOOPBACK = "1";
  else delete process.env.OUTBOUND_ALLOW_LOOPBACK;
  reload();
}
