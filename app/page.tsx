import { redirect } from "next/navigation";
import { currentSession } from "@/lib/http";

export default async function Home() {
  redirect((await currentSession()) ? "/account" : "/login");
}
