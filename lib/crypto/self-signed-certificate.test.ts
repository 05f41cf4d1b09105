import crypto from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { certificatePem, selfSignedCertificate } from "./self-signed-certificate";

describe("selfSignedCertificate", () => {
  it("is a certificate node:crypto reads, for the key it returns, signed by that key, valid now and for ten years", () => {
    const { privateKeyPem, certificateBase64 } = selfSignedCertificate("portico-sp acme");
    const cert = new crypto.X509Certificate(Buffer.from(certificateBase64, "base64"));
    expect(cert.subject).toBe("CN=portico-sp acme");
    expect(cert.issuer).toBe(cert.subject);
    expect(cert.checkPrivateKey(crypto.createPrivateKey(privateKeyPem))).toBe(true);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(new Date(cert.validFrom).getTime()).toBeLessThanOrEqual(Date.now());
    expect(new Date(cert.validTo).getTime()).toBeGreaterThan(Date.now() + 3649 * 86_400_000);
    // The PEM form is the same certificate.
    expect(new crypto.X509Certificate(certificatePem(certificateBase64)).fingerprint256).toBe(cert.fingerprint256);
  });

  it("writes a serial whose random first byte is zero in minimal DER (a padded INTEGER is no certificate to OpenSSL)", () => {
    // About one certificate in 256 drew such a serial and could not be read back.
    const spy = vi.spyOn(crypto, "randomBytes").mockImplementationOnce(((n: number) => Buffer.alloc(n)) as typeof crypto.randomBytes);
    try {
      const { certificateBase64 } = selfSignedCertificate("zero serial");
      expect(() => new crypto.X509Certificate(Buffer.from(certificateBase64, "base64"))).not.toThrow();
    } finally {
      spy.mockRestore();
    }
  });

  it("gives each call its own key and serial", () => {
    const a = new crypto.X509Certificate(Buffer.from(selfSignedCertificate("a").certificateBase64, "base64"));
    const b = new crypto.X509Certificate(Buffer.from(selfSignedCertificate("a").certificateBase64, "base64"));
    expect(a.serialNumber).not.toBe(b.serialNumber);
    expect(a.publicKey.export({ type: "spki", format: "der" }).equals(b.publicKey.export({ type: "spki", format: "der" }))).toBe(false);
  });
});
