"use server";
import { redirect } from "next/navigation";
import { rotateKeysAsAdmin } from "@/lib/keys";
import { administrator, requestContext } from "@/lib/http";

/** POST only (a server action, origin-checked by Next). The console guard (lib/http administrator), then the domain, check the administrator. */
export async function rotateKeysAction(): Promise<void> {
  await rotateKeysAsAdmin(await administrator("keys:write", "/admin/keys"), await requestContext());
  redirect("/admin/keys?rotated=1");
}
