// Background work for deployments without a poller (Vercel Cron). Handler in lib/http/endpoints/cron.ts.
import { cronEndpoint, nextRoute, otherMethods } from "@/lib/http";

export const dynamic = "force-dynamic";
// Seconds the platform lets the drain and the janitor run.
export const maxDuration = 60;
export const GET = nextRoute(cronEndpoint.GET);
export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
