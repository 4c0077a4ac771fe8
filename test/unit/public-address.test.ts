import { describe, expect, it } from "vitest";
import { UnsafeAddressError, assertPublicHost, isPublicAddress } from "~/security/public-address.server";

describe("public address guard (SSRF)", () => {
  it.each([
    "127.0.0.1",
    "127.8.9.10",
    "10.1.2.3",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.1",
    "169.254.169.254", // cloud metadata
    "100.64.0.1",
    "0.0.0.0",
    "224.0.0.1",
    "255.255.255.255",
    "::1",
    "::",
    "fe80::1",
    "fd00:ec2::254", // AWS metadata over IPv6
    "fc00::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "64:ff9b::a00:1",
    "not-an-ip",
  ])("refuses %s", (ip) => {
    expect(isPublicAddress(ip)).toBe(false);
  });

  it.each(["93.184.216.34", "8.8.8.8", "172.32.0.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"])("accepts %s", (ip) => {
    expect(isPublicAddress(ip)).toBe(true);
  });

  it("refuses a host name that resolves to loopback", async () => {
    await expect(assertPublicHost("localhost")).rejects.toBeInstanceOf(UnsafeAddressError);
  });

  it("refuses private IP literals, brackets included, without a lookup", async () => {
    await expect(assertPublicHost("10.0.0.7")).rejects.toThrow("10.0.0.7 resolves to 10.0.0.7, which is not a public internet address");
    await expect(assertPublicHost("[::1]")).rejects.toBeInstanceOf(UnsafeAddressError);
    await expect(assertPublicHost("93.184.216.34")).resolves.toEqual(["93.184.216.34"]);
  });
});
