// `npm run db:seed`: development data — a demo customer and a demo application. Idempotent.
// Stop a running server on the embedded database first (PGlite is single-process).
import { hashPassword } from "../lib/credentials/password-hash";
import { openDatabase, defaultDbOptions } from "../lib/db/client";

const DEMO_CUSTOMER = { email: "demo@portico.local", password: "demo passphrase for portico trials", displayName: "Demo Customer" };
const DEMO_APP = { clientId: "demo-app", name: "Demo Application", redirectUris: ["http://localhost:4000/callback"] };

async function main() {
  const { db, close } = await openDatabase(defaultDbOptions());
  try {
    const existing = await db.user.findUnique({ where: { email: DEMO_CUSTOMER.email } });
    if (!existing) {
      const user = await db.user.create({
        data: {
          email: DEMO_CUSTOMER.email,
          displayName: DEMO_CUSTOMER.displayName,
          passwordHash: await hashPassword(DEMO_CUSTOMER.password),
          passwordChangedAt: new Date(),
          emailVerifiedAt: new Date(),
          termsAcceptedAt: new Date(),
        },
      });
      await db.auditEvent.create({ data: { actorType: "system", action: "user.seeded", targetType: "user", targetId: user.id, result: "success" } });
    }
    await db.application.upsert({ where: { clientId: DEMO_APP.clientId }, create: DEMO_APP, update: {} });
    console.log(`Seeded. Demo customer: ${DEMO_CUSTOMER.email} / "${DEMO_CUSTOMER.password}"; demo application: ${DEMO_APP.clientId}`);
  } finally {
    await close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
