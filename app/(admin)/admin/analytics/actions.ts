"use server";
// The analytics page's one action: roll the newest audit events into the counters now, instead
// of waiting for the janitor's next pass.
import { revalidatePath } from "next/cache";
import { refreshAnalytics } from "@/lib/analytics";
import { administrator } from "@/lib/http";

const PAGE = "/admin/analytics";

export async function refreshAnalyticsAction(): Promise<void> {
  await refreshAnalytics(await administrator("analytics:read", PAGE));
  revalidatePath(PAGE);
}
