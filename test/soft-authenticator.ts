// A software WebAuthn authenticator for integration tests: a P-256 key and a signature counter,
// producing the same JSON a browser hands to @simplewebauthn/browser (WebAuthn L3 §6.1 authenticator
// data, §6.5 "none" attestation, §6.3.3 assertion signature). It lets tests set what real
// authenticators would not: user verification off, a counter that goes backwards, another origin.
import crypto from "node:crypto";
import { encodeCBOR, type CBORType } from "@levischuck/tiny-cbor";

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_AT = 0x40;

const b64url = (b: Uint8Array | Buffer) => Buffer.from(b).toString("base64url");

export interface CeremonyOptions {
  /** User verification (fingerprint, PIN) performed: default true. */
  uv?: boolean;
  origin?: string;
  /** The counter to report; default: one more than last time. */
  counter?: number;
  /** The user handle to return (default: the one given at registration). */
  userHandle?: string | null;
}

export class SoftAuthenticator {
  readonly credentialId = crypto.randomBytes(16);
  private readonly keys = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
  private counter = 0;
  private userHandle: string | undefined;

  constructor(
    private readonly rpId: string,
    private readonly origin: string,
  ) {}

  get id(): string {
    return b64url(this.credentialId);
  }

  /** The response to navigator.credentials.create() for these options. */
  register(options: { challenge: string; user: { id: string } }, o: CeremonyOptions = {}) {
    this.userHandle = options.user.id;
    const jwk = this.keys.publicKey.export({ format: "jwk" });
    const coseKey = new Map<number, CBORType>([
      [1, 2], // kty: EC2
      [3, -7], // alg: ES256
      [-1, 1], // crv: P-256
      [-2, new Uint8Array(Buffer.from(jwk.x!, "base64url"))],
      [-3, new Uint8Array(Buffer.from(jwk.y!, "base64url"))],
    ]);
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(this.credentialId.length);
    const attested = Buffer.concat([Buffer.alloc(16) /* aaguid */, idLength, this.credentialId, Buffer.from(encodeCBOR(coseKey))]);
    const authData = Buffer.concat([this.header(FLAG_AT | this.flags(o), o.counter ?? this.counter), attested]);
    const attestation = new Map<string, CBORType>([
      ["fmt", "none"],
      ["attStmt", new Map<string, CBORType>()],
      ["authData", new Uint8Array(authData)],
    ]);
    const attestationObject = encodeCBOR(attestation);
    return {
      id: this.id,
      rawId: this.id,
      type: "public-key" as const,
      clientExtensionResults: {},
      response: {
        clientDataJSON: this.clientData("webauthn.create", options.challenge, o),
        attestationObject: b64url(attestationObject),
        transports: ["internal"],
      },
    };
  }

  /** The response to navigator.credentials.get() for this challenge. */
  assert(challenge: string, o: CeremonyOptions = {}) {
    this.counter = o.counter ?? this.counter + 1;
    const authenticatorData = this.header(this.flags(o), this.counter);
    const clientDataJSON = this.clientData("webauthn.get", challenge, o);
    const signed = Buffer.concat([authenticatorData, crypto.createHash("sha256").update(Buffer.from(clientDataJSON, "base64url")).digest()]);
    const signature = crypto.sign("sha256", signed, this.keys.privateKey);
    const userHandle = o.userHandle === undefined ? this.userHandle : o.userHandle;
    return {
      id: this.id,
      rawId: this.id,
      type: "public-key" as const,
      clientExtensionResults: {},
      response: {
        clientDataJSON,
        authenticatorData: b64url(authenticatorData),
        signature: b64url(signature),
        ...(userHandle ? { userHandle } : {}),
      },
    };
  }

  private flags(o: CeremonyOptions): number {
    return FLAG_UP | (o.uv === false ? 0 : FLAG_UV);
  }

  private header(flags: number, counter: number): Buffer {
    const count = Buffer.alloc(4);
    count.writeUInt32BE(counter);
    return Buffer.concat([crypto.createHash("sha256").update(this.rpId).digest(), Buffer.from([flags]), count]);
  }

  private clientData(type: string, challenge: string, o: CeremonyOptions): string {
    return b64url(Buffer.from(JSON.stringify({ type, challenge, origin: o.origin ?? this.origin, crossOrigin: false })));
  }
}
