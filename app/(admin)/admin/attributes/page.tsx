import type { Metadata } from "next";
import { AttributeForm, DeleteAttributeForm } from "@/components/admin/attribute-forms";
import { requireAdmin } from "@/lib/http";
import { listAttributeDefinitionsFor, storedPatternProblem, type AttributeDefinitionDto } from "@/lib/profile";
import type { AttributeFormValues } from "@/lib/profile/attributes.schema";
import { surface } from "@/components/ui/styles";
import { createAttributeAction, deleteAttributeAction, updateAttributeAction } from "./actions";

export const metadata: Metadata = { title: "Attributes" };
export const dynamic = "force-dynamic";

/** A definition as its form's values (a text field per rule, booleans for the boxes). */
function formValuesOf(d: AttributeDefinitionDto): AttributeFormValues {
  const r = d.rules;
  const s = (v: unknown) => (v === null || v === undefined ? "" : String(v));
  return {
    name: d.name,
    label: d.label,
    type: d.type,
    required: d.required,
    customerAccess: d.customerAccess,
    appReadScope: d.appReadScope ?? "",
    minLength: s(r.minLength),
    maxLength: s(r.maxLength),
    pattern: s(r.pattern),
    min: d.type === "number" ? s(r.min) : "",
    max: d.type === "number" ? s(r.max) : "",
    integer: r.integer === true,
    minDate: d.type === "date" ? s(r.min) : "",
    maxDate: d.type === "date" ? s(r.max) : "",
    values: (r.values ?? []).join("\n"),
  };
}

/** A stored pattern that can no longer be used refuses every value: say so where the administrator edits it. */
function PatternWarning({ problem }: { problem: string | null }) {
  if (!problem) return null;
  return (
    <span className="mt-1 block text-sm text-amber-700 dark:text-amber-400" data-testid="pattern-warning">
      Its pattern cannot be used, so every value is refused until you edit it: {problem}
    </span>
  );
}

const ACCESS = { none: "Administrators only", read: "Customer reads", write: "Customer edits" } as const;

export default async function AttributesPage() {
  const session = await requireAdmin("/admin/attributes", { permission: "attributes:read" });
  const definitions = await listAttributeDefinitionsFor({ id: session.user.id, roles: session.user.roles });
  return (
    <>
      <h1 className="text-2xl font-semibold tracking-tight">Attributes</h1>
      <p className="mt-1 max-w-3xl text-slate-600 dark:text-slate-400">
        Custom profile attributes beyond the OpenID Connect standard claims. Each value is checked against its definition wherever it is written. The type cannot change
        while accounts hold values, a rule change is refused while a stored value would break it, and deleting an attribute removes its values.
      </p>

      <section aria-labelledby="defined" className={`${surface} mt-6 p-6`}>
        <h2 id="defined" className="text-lg font-semibold">Defined attributes ({definitions.length})</h2>
        {definitions.length === 0 ? <p className="mt-3 text-sm text-slate-500">No custom attributes yet.</p> : null}
        <ul className="mt-3 divide-y divide-slate-100 dark:divide-slate-800" data-testid="attribute-list">
          {definitions.map((d) => (
            <li key={d.id} className="py-3">
              <details>
                <summary className="cursor-pointer">
                  <code>{d.name}</code> — {d.label} <span className="text-sm text-slate-500">({d.type}{d.required ? ", required" : ""}; {ACCESS[d.customerAccess]}; {d.appReadScope ? `applications with ${d.appReadScope}` : "not in tokens"})</span>
                  <PatternWarning problem={storedPatternProblem(d.rules)} />
                </summary>
                <div className="mt-4 space-y-6">
                  <AttributeForm action={updateAttributeAction} id={d.id} initial={formValuesOf(d)} />
                  <DeleteAttributeForm action={deleteAttributeAction} id={d.id} name={d.name} />
                </div>
              </details>
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="define" className={`${surface} mt-6 p-6`}>
        <h2 id="define" className="mb-4 text-lg font-semibold">Define an attribute</h2>
        <AttributeForm action={createAttributeAction} />
      </section>
    </>
  );
}
