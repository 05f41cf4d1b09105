import type { Metadata } from "next";
import Link from "next/link";
import { requireAdmin } from "@/lib/http";
import { listAttributeDefinitions } from "@/lib/profile";
import { permissionScope, segmentOf } from "@/lib/users";
import { NewUserForm } from "@/components/admin/new-user-form";
import { createUserAction } from "./actions";

export const metadata: Metadata = { title: "New user" };

export default async function NewUserPage() {
  const session = await requireAdmin("/admin/users/new", { permission: "users:write" });
  const scope = permissionScope(session.user, "users:write");
  const segments = scope === "all" ? [] : scope.map(segmentOf).filter((s) => s !== null);
  const definitions = await listAttributeDefinitions();
  const segmentHint = segments.length ? `You manage ${segments.map((s) => `${s.attribute} = ${s.value}`).join(" or ")}: give the new account that value.` : undefined;
  return (
    <>
      <Link href="/admin/users" className="text-sm text-indigo-600 hover:underline dark:text-indigo-400">
        ← Users
      </Link>
      <h1 className="mb-6 mt-2 text-2xl font-semibold tracking-tight">New user</h1>
      <NewUserForm action={createUserAction} attributes={definitions.map(({ id: _id, createdAt: _c, updatedAt: _u, ...d }) => d)} segmentHint={segmentHint} />
    </>
  );
}
