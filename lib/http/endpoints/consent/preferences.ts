// The user's communication preferences (the token's subject), shared by every channel and
// application: a change made here shows in the portal and in every other application.
//   GET   /api/consent/v1/preferences  every topic with the user's choice per channel (consent:read)
//   PATCH /api/consent/v1/preferences  change some choices: { changes: [{ topic, channel, opted_in }] } (consent:write)
import "server-only";
import { z } from "zod";
import { CONSENT_READ_SCOPE, CONSENT_WRITE_SCOPE, type BearerPrincipal } from "@/lib/oidc";
import { getPreferences, updatePreferences, type TopicPreferences } from "@/lib/preferences";
import { contextFromHeaders } from "../../request-context";
import { json, malformedBody, operation, readJson } from "./problem";

export function topicJson(t: TopicPreferences) {
  return {
    topic: t.key,
    label: t.label,
    description: t.description,
    marketing: t.marketing,
    channels: t.channels.map((c) => ({ channel: c.channel, opted_in: c.optedIn, chosen: c.chosen, updated_at: c.updatedAt?.toISOString() ?? null })),
  };
}

/** Unknown members are refused, so a typo (`optedIn`) is not silently read as "no change". */
const patchBody = z.strictObject({
  changes: z.array(z.strictObject({ topic: z.string().max(64), channel: z.string().max(16), opted_in: z.boolean() })).min(1).max(500),
});

/** The application acts as its user: the owner's permission, with the application named in the audit. */
const owner = (principal: BearerPrincipal) => ({ id: principal.userId, roles: [] as string[] });

export const GET = operation({
  scopes: [CONSENT_READ_SCOPE],
  handle: async (_request, principal) => json({ preferences: (await getPreferences(owner(principal!), principal!.userId)).map(topicJson) }),
});

export const PATCH = operation({
  scopes: [CONSENT_WRITE_SCOPE],
  handle: async (request, principal) => {
    const parsed = patchBody.safeParse(await readJson(request));
    if (!parsed.success) throw malformedBody(parsed.error.issues);
    const changes = parsed.data.changes.map((c) => ({ topic: c.topic, channel: c.channel, optedIn: c.opted_in }));
    const { changed } = await updatePreferences(owner(principal!), principal!.userId, changes, contextFromHeaders(request.headers), { clientId: principal!.clientId });
    const preferences = await getPreferences(owner(principal!), principal!.userId);
    return json({ changed: changed.map((c) => ({ topic: c.topic, channel: c.channel, opted_in: c.optedIn })), preferences: preferences.map(topicJson) });
  },
});
