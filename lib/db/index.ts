import "server-only";
export { getDb, setDb, closeDb, openDatabase, defaultDbOptions, type Db } from "./client";
export { Prisma } from "./generated/client";
