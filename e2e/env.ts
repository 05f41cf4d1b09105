// One place for the e2e server's settings, shared by playwright.config.ts and the specs.
export const E2E_PORT = Number(process.env.E2E_PORT ?? 3210);
export const E2E_BASE_URL = `http://localhost:${E2E_PORT}`;
export const E2E_ADMIN = { email: "admin@portico.test", password: "admin-passphrase-for-e2e-only" };
export const E2E_LOCK_AFTER = 5;
export const E2E_REGISTRATION_TOKEN = "e2e-initial-access-token-0123456789abcdef";
/**
 * A port for a listener a spec runs (a relying party's callback, the back-channel receiver),
 * derived from the server's port so runs on different ports never collide, and kept below
 * 32768: Linux hands out 32768-60999 to outgoing connections, so a listener there can find
 * its port held by one (EADDRINUSE).
 */
export const e2eListenerPort = (offset: number) => {
  const port = E2E_PORT + 1000 + offset;
  if (port >= 32768) throw new Error(`e2e listener port ${port} falls in the ephemeral range; use a lower E2E_PORT`);
  return port;
};
/** The e2e server texts through an HTTP gateway here (e2e/sms.spec.ts runs the stand-in provider). */
export const E2E_SMS_GATEWAY_PORT = 4516;
export const E2E_SMS_GATEWAY_TOKEN = "e2e-sms-gateway-token-0123456789";
