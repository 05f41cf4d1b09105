// Custom attribute definitions: administrators define, change and delete them (attributes:write),
// each change audited in its transaction. A change never leaves stored values silently invalid:
// the type cannot change while values exist, a rule change is refused while a stored value would
// break it (the count is in the message), and deleting a definition removes its values (the count
// is audited).
import "server-only";
import { fieldErrorsOf } from "@/lib/errors";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { isUuid } from "@/lib/formats";
import { assertPermission, type Actor } from "@/lib/users";
import {
  countHolders,
  deleteDefinitionRow,
  findDefinitionRow,
  insertDefinitionRow,
  listDefinitionRows,
  removeValuesOf,
  storedValuesOf,
  updateDefinitionRow,
  type AttributeDefinitionRow,
} from "./attributes.repo";
import { withTransaction } from "./profile.repo";
import { attributeDefinitionSchema, attributeFormField, attributeSchema, storedPatternProblem, type AttributeDefinition, type AttributeRules, type AttributeType, type CustomerAccess } from "./attributes.schema";
import { ProfileError } from "./profile.errors";

/** Every definition is read with each profile write and the portal's page: a bounded list. */
export const MAX_ATTRIBUTE_DEFINITIONS = 200;

export interface AttributeDefinitionDto extends AttributeDefinition {
  id: string;
  createdAt: Date;
  updatedAt: Date;
}

export function toDefinition(row: AttributeDefinitionRow): AttributeDefinitionDto {
  return {
    id: row.id,
    name: row.name,
    label: row.label,
    type: row.type as AttributeType,
    required: row.required,
    rules: (row.rules ?? {}) as AttributeRules,
    customerAccess: row.customerAccess as CustomerAccess,
    appReadScope: row.appReadScope,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** Every definition: the console, and the schema of every write of values. */
export async function listAttributeDefinitions(): Promise<AttributeDefinitionDto[]> {
  return (await listDefinitionRows()).map(toDefinition);
}

/**
 * The definitions whose stored pattern cannot be used (saved before patterns were matched by RE2),
 * each with why: they refuse every value, so the start log and the console name them.
 */
export async function definitionsWithUnusablePatterns(): Promise<{ name: string; problem: string }[]> {
  return (await listAttributeDefinitions()).flatMap((d) => {
    const problem = storedPatternProblem(d.rules);
    return problem ? [{ name: d.name, problem }] : [];
  });
}

function parseDefinition(input: unknown): AttributeDefinition {
  const parsed = attributeDefinitionSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const type = (input as { type?: unknown } | null)?.type;
  const fieldErrors = fieldErrorsOf(parsed.error.issues, (key) => attributeFormField(type, key));
  throw new ProfileError("invalid_definition", "Check the highlighted fields.", undefined, { fieldErrors });
}

const adminActor = (actor: Actor) => ({ type: "admin" as const, id: actor.id });
const columns = (d: AttributeDefinition) => ({ label: d.label, type: d.type, required: d.required, rules: d.rules, customerAccess: d.customerAccess, appReadScope: d.appReadScope });

export async function createAttributeDefinition(actor: Actor, input: unknown, ctx: RequestContext): Promise<AttributeDefinitionDto> {
  assertPermission(actor, "attributes:write");
  const d = parseDefinition(input);
  return withTransaction(async (tx) => {
    if ((await listDefinitionRows(tx)).length >= MAX_ATTRIBUTE_DEFINITIONS) throw new ProfileError("in_use", `At most ${MAX_ATTRIBUTE_DEFINITIONS} attributes can be defined.`, "name");
    // The unique constraint decides, so two administrators creating the same name at once get one
    // definition and one field error (the failed INSERT aborts this transaction; the throw rolls it back).
    const row = await insertDefinitionRow({ name: d.name, ...columns(d) }, tx);
    if (!row) throw new ProfileError("name_taken", "An attribute with this name exists.", "name");
    await recordAudit({ actor: adminActor(actor), action: "attribute.created", target: { type: "attribute", id: row.id }, result: "success", context: ctx, details: { name: d.name, type: d.type } }, tx);
    return toDefinition(row);
  });
}

/** Changes everything but the name. */
export async function updateAttributeDefinition(actor: Actor, id: string, input: unknown, ctx: RequestContext): Promise<AttributeDefinitionDto> {
  assertPermission(actor, "attributes:write");
  if (!isUuid(id)) throw new ProfileError("not_found", "This attribute does not exist.");
  return withTransaction(async (tx) => {
    const row = await findDefinitionRow(id, tx);
    if (!row) throw new ProfileError("not_found", "This attribute does not exist.");
    const before = toDefinition(row);
    const d = parseDefinition({ ...(input as object), name: before.name });
    if (d.type !== before.type) {
      const holders = await countHolders(before.name, tx);
      if (holders > 0) throw new ProfileError("in_use", `The type cannot change while ${holders} account(s) hold a value: delete the attribute (removing its values) and define it again.`, "type");
    }
    if (JSON.stringify(d.rules) !== JSON.stringify(before.rules)) {
      // The stored values, checked against the new rules by the same schema every write uses. (Becoming
      // required changes no stored value: an account without one must fill it in at its next save.)
      const check = attributeSchema([{ ...d, required: false }], { writer: "admin", partial: true });
      const broken = (await storedValuesOf(before.name, tx)).filter((v) => !check.safeParse({ [d.name]: v }).success).length;
      if (broken > 0) throw new ProfileError("in_use", `${broken} stored value(s) would break the new rules: relax them, or correct those values first.`, "rules");
    }
    const after = await updateDefinitionRow(id, columns(d), tx);
    const changed = (["label", "type", "required", "rules", "customerAccess", "appReadScope"] as const).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(d[k]));
    if (changed.length) {
      await recordAudit({ actor: adminActor(actor), action: "attribute.updated", target: { type: "attribute", id }, result: "success", context: ctx, details: { name: before.name, changed } }, tx);
    }
    return toDefinition(after);
  });
}

/** Deletes a definition and, in the same transaction, every value stored under it. */
export async function deleteAttributeDefinition(actor: Actor, id: string, ctx: RequestContext): Promise<{ valuesRemoved: number }> {
  assertPermission(actor, "attributes:write");
  if (!isUuid(id)) throw new ProfileError("not_found", "This attribute does not exist.");
  return withTransaction(async (tx) => {
    const row = await findDefinitionRow(id, tx);
    if (!row) throw new ProfileError("not_found", "This attribute does not exist.");
    const valuesRemoved = await removeValuesOf(row.name, tx);
    await deleteDefinitionRow(id, tx);
    await recordAudit({ actor: adminActor(actor), action: "attribute.deleted", target: { type: "attribute", id }, result: "success", context: ctx, details: { name: row.name, valuesRemoved } }, tx);
    return { valuesRemoved };
  });
}

/** The console's read (attributes:read). */
export async function listAttributeDefinitionsFor(actor: Actor): Promise<AttributeDefinitionDto[]> {
  assertPermission(actor, "attributes:read");
  return listAttributeDefinitions();
}
