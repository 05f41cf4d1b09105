// Compromised passwords: the common-password blocklist (lib/credentials) and the administrator's
// imported list, stored as SHA-1 hashes (Have I Been Pwned's format: its files import unchanged,
// "HASH" or "HASH:count" per line; plain passwords in a file are hashed on import).
import "server-only";
import crypto from "node:crypto";
import { isCommonPassword, normalizePassword } from "@/lib/credentials";
import { isCompromisedSha1 } from "./risk.repo";

export function passwordSha1(password: string): string {
  return crypto.createHash("sha1").update(normalizePassword(password), "utf8").digest("hex").toUpperCase();
}

export async function isCompromisedPassword(password: string): Promise<boolean> {
  return isCommonPassword(password) || (await isCompromisedSha1(passwordSha1(password)));
}

/** One line of an import file -> the SHA-1 to store (null for blank lines and comments). */
export function sha1OfImportLine(line: string): string | null {
  const trimmed = line.replace(/\r$/, "");
  if (!trimmed.trim() || trimmed.trimStart().startsWith("#")) return null;
  const hibp = /^\s*([0-9a-fA-F]{40})(:\d+)?\s*$/.exec(trimmed);
  return hibp ? hibp[1]!.toUpperCase() : passwordSha1(trimmed);
}
