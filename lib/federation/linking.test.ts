// The linking rules as a table: which account an upstream identity signs in to, and when the
// customer must prove an existing account first. Never a link on an address the upstream did not
// verify, nor on a connection not trusted for it, nor to an account whose own address is unverified.
import { describe, expect, it } from "vitest";
import { decideAccount, type AccountDecision, type AccountFacts } from "./linking";

const OWNER = "00000000-0000-4000-8000-0000000000aa";
const LINKED = "00000000-0000-4000-8000-0000000000bb";
const verifiedOwner = { id: OWNER, emailVerified: true };
const unverifiedOwner = { id: OWNER, emailVerified: false };

const base: AccountFacts = { linkedUserId: null, emailOwner: null, upstreamEmail: "ada@example.com", upstreamEmailVerified: true, connectionTrusted: true };

describe("decideAccount", () => {
  it.each<[string, Partial<AccountFacts>, AccountDecision]>([
    ["an identity already linked signs in to its account, whatever the address says", { linkedUserId: LINKED, emailOwner: verifiedOwner, upstreamEmailVerified: false }, { kind: "sign_in", userId: LINKED }],
    ["a verified address on a trusted connection, held by a verified account: linked", { emailOwner: verifiedOwner }, { kind: "link_and_sign_in", userId: OWNER }],
    ["an address the upstream did not verify: the account is proved first", { emailOwner: verifiedOwner, upstreamEmailVerified: false }, { kind: "prove_existing", userId: OWNER }],
    ["a connection not trusted for verified addresses: the account is proved first", { emailOwner: verifiedOwner, connectionTrusted: false }, { kind: "prove_existing", userId: OWNER }],
    ["an account whose own address is unverified (maybe registered in advance by someone else): proved first", { emailOwner: unverifiedOwner }, { kind: "prove_existing", userId: OWNER }],
    ["an address nobody holds: a new account", {}, { kind: "register" }],
    ["no address at all: nothing to match or create", { upstreamEmail: null, emailOwner: null }, { kind: "no_email" }],
  ])("%s", (_name, over, expected) => {
    expect(decideAccount({ ...base, ...over })).toEqual(expected);
  });
});
