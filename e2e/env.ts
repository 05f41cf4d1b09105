// One place for the e2e server's settings, shared by playwright.config.ts and the specs.
export const E2E_PORT = Number(process.env.E2E_PORT ?? 3210);
export const E2E_BASE_URL = `http://localhost:${E2E_PORT}`;
export const E2E_ADMIN = { email: "admin@portico.test", password: "admin-passphrase-for-e2e-only" };
export const E2E_LOCK_AFTER = 5;
export const E2E_REGISTRATION_TOKEN = "e2e-initial-access-token-0123456789abcdef";
/** The e2e server texts through an HTTP gateway here (e2e/sms.spec.ts runs the stand-in provider). */
export const E2E_SMS_GATEWAY_PORT = 4516;
export const E2E_SMS_GATEWAY_TOKEN = "e2e-sms-gateway-token-0123456789";
