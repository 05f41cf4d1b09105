import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { requireSession } from "@/lib/http";
import { getProfile, listAttributeDefinitions } from "@/lib/profile";
import { attributeField, formValueOf } from "@/lib/profile/attributes.schema";
import { ProfileForm } from "@/components/portal/profile-form";
import { updateProfileAction } from "./actions";

export const metadata: Metadata = { title: "Your profile" };

export default async function ProfilePage() {
  const session = await requireSession("/account/profile");
  const [profile, definitions] = await Promise.all([getProfile(session.user.id), listAttributeDefinitions()]);
  if (!profile) notFound();
  const { email: _email, phoneNumberVerified, attributes: stored, ...fields } = profile;
  // The custom attributes the customer may see (read or write), by their definitions.
  const visible = definitions.filter((d) => d.customerAccess !== "none");
  const values = {
    ...Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v ?? ""])),
    ...Object.fromEntries(visible.map((d) => [attributeField(d.name), formValueOf(stored[d.name])])),
  };
  const attributes = visible.map(({ id: _id, createdAt: _c, updatedAt: _u, ...definition }) => ({ definition, writable: definition.customerAccess === "write" }));
  return (
    <>
      <h1 className="text-2xl font-semibold tracking-tight">Your profile</h1>
      <p className="mb-8 mt-1 text-slate-600 dark:text-slate-400">
        Applications you allow to see your profile, phone number or address receive these details. Leave a field empty to remove it.
        {profile.phoneNumber ? (
          <span data-testid="phone-status"> Your phone number is {phoneNumberVerified ? "verified: it texts you sign-in codes" : "not verified"}.</span>
        ) : null}
      </p>
      <ProfileForm action={updateProfileAction} profile={values} timeZones={Intl.supportedValuesOf("timeZone")} attributes={attributes} />
    </>
  );
}
