// A self-signed X.509 certificate (RFC 5280 §4.1) for a key pair Portico holds: SAML metadata
// publishes keys as certificates (the SP's signing and encryption key), and nothing checks their
// chain, only the key inside. Written out in DER here rather than adding a certificate library
// for this one job; node:crypto's X509Certificate reads the result back in the tests.
import crypto from "node:crypto";

export interface KeyAndCertificate {
  /** PKCS#8 PEM. */
  privateKeyPem: string;
  /** The certificate, base64 DER (as `ds:X509Certificate` carries it). */
  certificateBase64: string;
}

/** A new RSA-2048 key and a certificate for it, valid from now for `validDays`, named `commonName`. */
export function selfSignedCertificate(commonName: string, validDays = 3650): KeyAndCertificate {
  const { privateKey, publicKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
  const sha256WithRsa = seq(oid("1.2.840.113549.1.1.11"), Buffer.from([0x05, 0x00]));
  const name = seq(set(seq(oid("2.5.4.3"), tlv(0x0c, Buffer.from(commonName.slice(0, 64), "utf8")))));
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(notBefore.getTime() + validDays * 86_400_000);
  const serial = crypto.randomBytes(16);
  // A positive INTEGER (§4.1.2.2) in minimal DER (X.690 §8.3.2): a first byte of 0x40-0x7f is
  // neither negative nor a leading zero, which OpenSSL refuses as padding.
  serial[0] = (serial[0]! & 0x7f) | 0x40;
  const tbs = seq(
    tlv(0xa0, integer(Buffer.from([2]))), // version v3
    integer(serial),
    sha256WithRsa,
    name,
    seq(time(notBefore), time(notAfter)),
    name,
    publicKey.export({ type: "spki", format: "der" }),
  );
  const signature = crypto.sign("sha256", tbs, privateKey);
  const certificate = seq(tbs, sha256WithRsa, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  return { privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(), certificateBase64: certificate.toString("base64") };
}

/** The certificate as PEM (what xml-encryption and node-saml take). */
export function certificatePem(base64: string): string {
  return `-----BEGIN CERTIFICATE-----\n${base64.replace(/\s+/g, "").replace(/(.{64})/g, "$1\n").replace(/\n$/, "")}\n-----END CERTIFICATE-----\n`;
}

function tlv(tag: number, body: Buffer): Buffer {
  const n = body.length;
  const length = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, body]);
}

const seq = (...parts: Buffer[]) => tlv(0x30, Buffer.concat(parts));
const set = (...parts: Buffer[]) => tlv(0x31, Buffer.concat(parts));

function integer(bytes: Buffer): Buffer {
  return tlv(0x02, bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}

function oid(dotted: string): Buffer {
  const [a = 0, b = 0, ...rest] = dotted.split(".").map(Number);
  const bytes = [a * 40 + b];
  for (const n of rest) {
    const chunk = [n & 0x7f];
    for (let v = n >> 7; v > 0; v >>= 7) chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** UTCTime until 2049, GeneralizedTime after (§4.1.2.5). */
function time(d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, "").slice(0, 14) + "Z"; // YYYYMMDDHHMMSSZ
  return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(iso.slice(2))) : tlv(0x18, Buffer.from(iso));
}
