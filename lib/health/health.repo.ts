import "server-only";
import { getDb } from "@/lib/db";

export async function pingDatabase(): Promise<void> {
  await (await getDb()).$queryRaw`SELECT 1`;
}
