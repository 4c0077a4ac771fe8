import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

// No secret in the repository: every tracked file is scanned for token shapes.
// Explicit fixtures (test/fixtures/secrets/) are the only exception; tests that
// need token-shaped strings build them at run time instead.
const ALLOWED_PREFIXES = ["test/fixtures/secrets/"];

const SHAPES: Array<{ name: string; pattern: RegExp }> = [
  { name: "Shopify token", pattern: /\bshp(?:at|ss|ca|pa|rt)_[0-9a-fA-F]{32}\b/ },
  { name: "WooCommerce key", pattern: /\b(?:ck|cs)_[0-9a-f]{40}\b/ },
  { name: "private key", pattern: /-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----/ },
  {
    name: "secret-looking assignment",
    pattern:
      /\b[A-Za-z_]*(?:SECRET|TOKEN|PASSWORD|PRIVATE_KEY|API_KEY|ENCRYPTION_KEY|secret|token|password|apiKey|privateKey)\b\s*[:=]\s*["']?(?=[A-Za-z0-9+/_=-]*[0-9])(?=[A-Za-z0-9+/_=-]*[A-Za-z])[A-Za-z0-9+/_=-]{32,}/,
  },
];

function trackedFiles(): string[] {
  return execFileSync("git", ["ls-files", "-z"], { encoding: "utf8" })
    .split("\0")
    .filter((file) => file && !ALLOWED_PREFIXES.some((prefix) => file.startsWith(prefix)))
    .filter((file) => file !== "package-lock.json"); // integrity hashes, not secrets
}

export function findSecrets(text: string): string[] {
  return SHAPES.filter(({ pattern }) => pattern.test(text)).map(({ name }) => name);
}

describe("secret scan", () => {
  it("finds no secret in any tracked file", () => {
    const findings = trackedFiles().flatMap((file) => {
      let text: string;
      try {
        text = readFileSync(file, "utf8");
      } catch {
        return []; // deleted in the work tree
      }
      return text.split("\n").flatMap((line, index) =>
        findSecrets(line).map((shape) => `${file}:${index + 1}: ${shape}`),
      );
    });
    expect(findings).toEqual([]);
  });

  it("recognises each shape (so the scan above would catch one)", () => {
    const hex = (n: number) => "0123456789abcdef".repeat(4).slice(0, n);
    expect(findSecrets(`token = "shpat_${hex(32)}"`)).toContain("Shopify token");
    expect(findSecrets(`consumer_key: ck_${hex(40)}`)).toContain("WooCommerce key");
    expect(findSecrets(`-----BEGIN ${"RSA "}PRIVATE KEY-----`)).toContain("private key");
    expect(findSecrets(`SHOPIFY_API_SECRET=${"a1B2c3D4".repeat(5)}`)).toContain("secret-looking assignment");
    expect(findSecrets(`ENCRYPTION_KEY: "${Buffer.from(Array.from({ length: 32 }, (_, i) => i * 7)).toString("base64")}"`)).toContain(
      "secret-looking assignment",
    );
  });

  it("leaves ordinary code alone", () => {
    expect(findSecrets("const accessToken = session.accessToken;")).toEqual([]);
    expect(findSecrets("ENCRYPTION_KEY=")).toEqual([]);
    expect(findSecrets('refreshToken: "shprt_short"')).toEqual([]);
  });
});
