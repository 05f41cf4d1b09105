"use server";
// Server actions of the communication topics console: the wrapper checks the administrator
// (lib/http adminAction) and parses the form with the domain's schema; the domain checks again.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { createTopic, updateTopic } from "@/lib/preferences";
import { topicSchema } from "@/lib/preferences/preferences.schema";
import { adminAction, requestContext, type FormState } from "@/lib/http";

const PAGE = "/admin/preferences";

const text = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === "string" ? v : "";
};
const all = (form: FormData, name: string) => form.getAll(name).filter((v): v is string => typeof v === "string");

function topicFromForm(form: FormData) {
  return {
    id: text(form, "id"),
    key: text(form, "key"),
    label: text(form, "label"),
    description: text(form, "description"),
    marketing: form.get("marketing") === "on",
    channels: all(form, "channels"),
    defaultOn: all(form, "defaultOn"),
  };
}

/** Creates a topic (no id) or changes one (its id; the key stays). */
export const saveTopicAction = adminAction(
  {
    permission: "topics:write",
    returnTo: PAGE,
    schema: z.intersection(topicSchema, z.object({ id: z.string().max(64) })),
    input: (_prev: FormState, form: FormData) => topicFromForm(form),
    echo: (_prev, form) => {
      const t = topicFromForm(form);
      return { key: t.key, label: t.label, description: t.description, marketing: t.marketing ? "on" : "", channels: t.channels.join(" "), defaultOn: t.defaultOn.join(" ") };
    },
  },
  async ({ id, ...topic }, actor): Promise<FormState> => {
    const ctx = await requestContext();
    if (id) await updateTopic(actor, id, topic, ctx);
    else await createTopic(actor, topic, ctx);
    revalidatePath(PAGE);
    return { ok: true, message: id ? `"${topic.label}" is saved.` : `"${topic.label}" is created. Customers see it on their preferences page.` };
  },
);
