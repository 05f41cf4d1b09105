// The consent API (/api/consent/v1): one module per resource, each exporting its operations; the
// route files under app/api/consent/v1 are shims. A new resource is a new module here, its route
// files, and its paths in openapi.ts.
export * as purposes from "./purposes";
export * as consents from "./consents";
export * as receipts from "./receipts";
export * as receiptKeys from "./receipt-keys";
export * as preferences from "./preferences";
export * as openapi from "./openapi";
export * as problems from "./problems";
export { otherMethods } from "./problem";
