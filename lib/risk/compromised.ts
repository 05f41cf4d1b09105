// Compromised passwords: besides the common-password blocklist (lib/credentials, checked in
// assess.ts), the administrator's imported list, stored as SHA-1 hashes in Have I Been Pwned's
// format (its files import unchanged, "HASH" or "HASH:count" per line; plain passwords are hashed).
import "server-only";
import crypto from "node:crypto";
import { normalizePassword } from "@/lib/credentials";

export function passwordSha1(password: string): string {
  return crypto.createHash("sha1").update(normalizePassword(password), "utf8").digest("hex").toUpperCase();
}

/** One line of an import file -> the SHA-1 to store (null for blank lines and comments). */
export function sha1OfImportLine(line: string): string | null {
  const trimmed = line.replace(/\r$/, "");
  if (!trimmed.trim() || trimmed.trimStart().startsWith("#")) return null;
  const hibp = /^\s*([0-9a-fA-F]{40})(:\d+)?\s*$/.exec(trimmed);
  return hibp ? hibp[1]!.toUpperCase() : passwordSha1(trimmed);
}
