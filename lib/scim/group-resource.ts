// A group as a SCIM Group (RFC 7643 §4.2), and back.
import type { ScimGroupRow } from "./scim.repo";
import { invalidValue } from "./scim.errors";
import { GROUP_SCHEMA as CORE_GROUP } from "./schemas";
import { versionOf } from "./user-resource";

type Json = Record<string, unknown>;

export function toScimGroup(row: ScimGroupRow, baseUrl: string): Json {
  const resource: Json = { schemas: [CORE_GROUP], id: row.id };
  if (row.externalId) resource.externalId = row.externalId;
  resource.displayName = row.displayName;
  resource.members = row.members.map((m) => ({ value: m.id, display: m.display ?? undefined, $ref: `${baseUrl}/Users/${m.id}`, type: "User" }));
  resource.meta = { resourceType: "Group", created: row.createdAt.toISOString(), lastModified: row.updatedAt.toISOString(), location: `${baseUrl}/Groups/${row.id}` };
  (resource.meta as Json).version = versionOf(resource);
  return resource;
}

export function fromScimGroup(resource: Json): { displayName: string; externalId: string | null; members: { value: string; display: string | null }[] } {
  const displayName = resource.displayName;
  if (typeof displayName !== "string" || !displayName.trim()) throw invalidValue("displayName is required.");
  const members = Array.isArray(resource.members) ? resource.members : [];
  return {
    displayName,
    externalId: typeof resource.externalId === "string" && resource.externalId ? resource.externalId : null,
    members: members
      .filter((m): m is Json => typeof m === "object" && m !== null && typeof (m as Json).value === "string")
      .map((m) => ({ value: (m.value as string).toLowerCase(), display: typeof m.display === "string" ? m.display.slice(0, 256) : null })),
  };
}
