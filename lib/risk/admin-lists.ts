// Administration of the IP lists and the compromised-password list: entries added one at a time or
// imported from a file (one per line, # comments; a Tor exit list or a HIBP dump as they come),
// removed, listed. Authorised here; every change audited.
import "server-only";
import { isUuid } from "@/lib/formats";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { assertPermission } from "@/lib/users";
import { sha1OfImportLine } from "./compromised";
import { forgetIpListCache, normaliseCidr } from "./ip-lists";
import { RiskError } from "./risk.errors";
import { countCompromised, deleteIpEntry, insertCompromisedSha1s, insertIpEntries, listIpEntries, withTransaction } from "./risk.repo";

type Actor = { id: string; roles: string[] };
const MAX_IMPORT_LINES = 200_000;


function importLines(text: string): string[] {
  const lines = text.split("\n");
  if (lines.length > MAX_IMPORT_LINES) throw new RiskError("invalid_input", `At most ${MAX_IMPORT_LINES.toLocaleString("en-US")} lines per import.`, "entries");
  return lines;
}

/** Adds addresses or ranges, one per line. Invalid lines are reported, not silently dropped. */
export async function addIpListEntries(actor: Actor, list: "deny" | "allow", text: string, note: string, ctx: RequestContext): Promise<{ added: number; invalid: string[] }> {
  assertPermission(actor, "risk:write");
  if (list !== "deny" && list !== "allow") throw new RiskError("invalid_input", "Pick the deny list or the allow list.", "list");
  const cidrs = new Set<string>();
  const invalid: string[] = [];
  for (const raw of importLines(text)) {
    const line = raw.replace(/#.*/, "").trim();
    if (!line) continue;
    const cidr = normaliseCidr(line);
    if (cidr) cidrs.add(cidr);
    else if (invalid.length < 20) invalid.push(line.slice(0, 60));
  }
  if (cidrs.size === 0) throw new RiskError("invalid_input", invalid.length ? `Not an IP address or CIDR range: ${invalid[0]}` : "Enter at least one address or range.", "entries");
  const added = await withTransaction(async (tx) => {
    const count = await insertIpEntries([...cidrs].map((cidr) => ({ list, cidr, note: note.trim().slice(0, 200), createdBy: actor.id })), tx);
    await recordAudit({ actor: { type: "user", id: actor.id }, action: "risk.ip_list_added", target: { type: "ip_list", id: list }, result: "success", context: ctx, details: { added: count, submitted: cidrs.size, sample: [...cidrs].slice(0, 10), note } }, tx);
    return count;
  });
  forgetIpListCache();
  return { added, invalid };
}

export async function removeIpListEntry(actor: Actor, id: string, ctx: RequestContext): Promise<void> {
  assertPermission(actor, "risk:write");
  if (!isUuid(id)) throw new RiskError("not_found", "This entry no longer exists.");
  await withTransaction(async (tx) => {
    const entry = await deleteIpEntry(id, tx);
    if (!entry) throw new RiskError("not_found", "This entry no longer exists.");
    await recordAudit({ actor: { type: "user", id: actor.id }, action: "risk.ip_list_removed", target: { type: "ip_list", id: entry.list }, result: "success", context: ctx, details: { cidr: entry.cidr } }, tx);
  });
  forgetIpListCache();
}

export async function ipListEntries(actor: Actor, list: "deny" | "allow") {
  assertPermission(actor, "risk:read");
  return listIpEntries(list);
}

/** Imports compromised passwords: SHA-1 hashes (HIBP "HASH[:count]") or plain passwords, one per line. */
export async function importCompromisedPasswords(actor: Actor, text: string, source: string, ctx: RequestContext): Promise<{ added: number; total: number }> {
  assertPermission(actor, "risk:write");
  const hashes = new Set<string>();
  for (const line of importLines(text)) {
    const sha1 = sha1OfImportLine(line);
    if (sha1) hashes.add(sha1);
  }
  if (hashes.size === 0) throw new RiskError("invalid_input", "The file has no passwords or hashes.", "entries");
  const label = source.trim().slice(0, 100) || "import";
  const added = await withTransaction(async (tx) => {
    let count = 0;
    const all = [...hashes];
    for (let i = 0; i < all.length; i += 5000) count += await insertCompromisedSha1s(all.slice(i, i + 5000), label, tx);
    await recordAudit({ actor: { type: "user", id: actor.id }, action: "risk.compromised_imported", target: { type: "compromised_passwords", id: label }, result: "success", context: ctx, details: { added: count, submitted: hashes.size } }, tx);
    return count;
  });
  return { added, total: await countCompromised() };
}

export async function compromisedPasswordCount(actor: Actor): Promise<number> {
  assertPermission(actor, "risk:read");
  return countCompromised();
}
