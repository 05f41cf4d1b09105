"use server";
import { redirect } from "next/navigation";
import { rotateKeysAsAdmin } from "@/lib/keys";
import { currentSession, requestContext } from "@/lib/http";

/** POST only (a server action, origin-checked by Next). The domain checks the admin role again. */
export async function rotateKeysAction(): Promise<void> {
  const session = await currentSession();
  if (!session) redirect("/login?next=/admin/keys");
  await rotateKeysAsAdmin({ id: session.user.id, roles: session.user.roles }, await requestContext());
  redirect("/admin/keys?rotated=1");
}
