"use server";
// Server actions of the risk console. Each checks the administrator itself through the console's
// wrapper (lib/http adminAction: strong second factor, two-factor session, recent sign-in, the
// permission); the domain checks again.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import {
  addIpListEntries,
  createRiskRule,
  currentPolicy,
  importCompromisedPasswords,
  removeIpListEntry,
  RiskError,
  ruleFromForm,
  saveRiskSettings,
  simulateRiskRule,
  updateRiskRule,
  type SimulationResult,
} from "@/lib/risk";
import { adminAction, administrator, requestContext, type FormState } from "@/lib/http";

const PAGE = "/admin/risk";
const WRITE = { permission: "risk:write", returnTo: PAGE } as const;

const text = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === "string" ? v : "";
};

/** The textarea, or the uploaded file when one is chosen (a Tor exit list, a breach dump). */
async function entriesOf(form: FormData): Promise<string> {
  const file = form.get("file");
  if (file instanceof File && file.size > 0) {
    if (file.size > 20 * 1024 * 1024) throw new RiskError("invalid_input", "The file is larger than 20 MB.", "entries");
    return file.text();
  }
  return text(form, "entries");
}

export const addIpEntriesAction = adminAction(
  {
    ...WRITE,
    schema: z.object({ list: z.enum(["allow", "deny"]), entries: z.string(), note: z.string() }),
    input: async (_prev: FormState, form: FormData) => ({ list: text(form, "list") === "allow" ? "allow" : "deny", entries: await entriesOf(form), note: text(form, "note") }),
  },
  async ({ list, entries, note }, actor): Promise<FormState> => {
    const { added, invalid } = await addIpListEntries(actor, list, entries, note, await requestContext());
    revalidatePath(PAGE);
    return { ok: true, message: `${added} added to the ${list} list.${invalid.length ? ` Skipped (not addresses or ranges): ${invalid.join(", ")}` : ""}` };
  },
);

export async function removeIpEntryAction(form: FormData): Promise<void> {
  await removeIpListEntry(await administrator("risk:write", PAGE), text(form, "id"), await requestContext()).catch((e: unknown) => {
    if ((e as { code?: string }).code !== "not_found") throw e;
  });
  revalidatePath(PAGE);
}

export const importCompromisedAction = adminAction(
  {
    ...WRITE,
    schema: z.object({ entries: z.string(), source: z.string() }),
    input: async (_prev: FormState, form: FormData) => ({ entries: await entriesOf(form), source: text(form, "source") }),
  },
  async ({ entries, source }, actor): Promise<FormState> => {
    const { added, total } = await importCompromisedPasswords(actor, entries, source, await requestContext());
    revalidatePath(PAGE);
    return { ok: true, message: `${added} new compromised passwords imported (${total} in all).` };
  },
);

const SETTINGS_FIELDS = ["mediumAt", "highAt", "lowAction", "mediumAction", "highAction", "impossibleTravelKmh", "stepUpAboveValue", "highValueScopes"] as const;

/** The form holds the main settings; the others (signal scores…) keep their values in force. The domain validates them. */
export const saveSettingsAction = adminAction(
  {
    ...WRITE,
    schema: z.record(z.enum(SETTINGS_FIELDS), z.string()),
    input: (_prev: FormState, form: FormData) => Object.fromEntries(SETTINGS_FIELDS.map((name) => [name, text(form, name)])),
  },
  async (fields, actor): Promise<FormState> => {
    const num = (name: "mediumAt" | "highAt" | "impossibleTravelKmh", fallback: number) => (fields[name].trim() === "" ? fallback : Number(fields[name]));
    const stepUp = fields.stepUpAboveValue.trim();
    const { settings: current } = await currentPolicy();
    await saveRiskSettings(
      actor,
      {
        ...current,
        mediumAt: num("mediumAt", current.mediumAt),
        highAt: num("highAt", current.highAt),
        actions: { low: fields.lowAction || current.actions.low, medium: fields.mediumAction || current.actions.medium, high: fields.highAction || current.actions.high },
        impossibleTravelKmh: num("impossibleTravelKmh", current.impossibleTravelKmh),
        stepUpAboveValue: stepUp === "" ? null : Number(stepUp),
        highValueScopes: fields.highValueScopes.split(/\s+/).filter(Boolean),
      },
      await requestContext(),
    );
    revalidatePath(PAGE);
    return { ok: true, message: "The risk policy is saved and in force." };
  },
);

export type RuleFormState = FormState & { simulation?: SimulationResult };

/** One form, two buttons: "Simulate" shows what the rule would have done; "Publish" puts it in force. The domain validates the rule. */
export const ruleAction = adminAction(
  {
    ...WRITE,
    schema: z.object({ rule: z.unknown(), publish: z.boolean() }),
    input: (_prev: RuleFormState, form: FormData) => ({ rule: ruleFromForm(form), publish: text(form, "intent") === "publish" }),
  },
  async ({ rule, publish }, actor): Promise<RuleFormState> => {
    if (publish) {
      await createRiskRule(actor, rule, await requestContext());
      revalidatePath(PAGE);
      return { ok: true, message: "The rule is published and in force." };
    }
    return { simulation: await simulateRiskRule(actor, rule) };
  },
);

export async function deleteRuleAction(form: FormData): Promise<void> {
  await updateRiskRule(await administrator("risk:write", PAGE), text(form, "id"), Number(text(form, "version")), null, await requestContext()).catch((e: unknown) => {
    if ((e as { code?: string }).code !== "not_found") throw e;
  });
  revalidatePath(PAGE);
}
