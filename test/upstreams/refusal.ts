// What a federated step that must fail threw: a FederationError (anything else fails the test).
import { expect } from "vitest";
import { FederationError } from "@/lib/federation";

export async function refusal(p: Promise<unknown>): Promise<FederationError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(FederationError);
  return e as FederationError;
}
