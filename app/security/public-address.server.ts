// SSRF guard for URLs a merchant gives us (a WooCommerce store): we only call hosts
// that resolve to public addresses. The check runs again at every connection (the
// dispatcher's lookup), so a DNS answer that changes after validation (rebinding)
// cannot point a request at loopback, the private network or a metadata service.
import { lookup } from "node:dns";
import { BlockList, isIP, type LookupFunction } from "node:net";
import { Agent } from "undici";

const blocked = new BlockList();
const V4: Array<[string, number]> = [
  ["0.0.0.0", 8], // "this" network
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local, incl. the cloud metadata address
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.88.99.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved and broadcast
];
const V6: Array<[string, number]> = [
  ["::", 128],
  ["::1", 128],
  ["64:ff9b::", 96], // NAT64: embeds an IPv4 address
  ["100::", 64], // discard
  ["2001:db8::", 32], // documentation
  ["fc00::", 7], // unique local, incl. fd00:ec2::254 (metadata)
  ["fe80::", 10], // link-local
  ["ff00::", 8], // multicast
];
for (const [network, prefix] of V4) blocked.addSubnet(network, prefix, "ipv4");
for (const [network, prefix] of V6) blocked.addSubnet(network, prefix, "ipv6");

/** True when `ip` is a unicast address on the public internet. */
export function isPublicAddress(ip: string): boolean {
  const family = isIP(ip);
  if (family === 4) return !blocked.check(ip, "ipv4");
  if (family !== 6) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return isPublicAddress(mapped[1]);
  return !blocked.check(ip, "ipv6");
}

export class UnsafeAddressError extends Error {
  constructor(
    readonly hostname: string,
    readonly address: string,
  ) {
    super(`${hostname} resolves to ${address}, which is not a public internet address`);
    this.name = "UnsafeAddressError";
  }
}

/** A lookup for sockets that refuses every non-public answer. */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, "", 0);
    const list = addresses as unknown as Array<{ address: string; family: number }>;
    const unsafe = list.find((entry) => !isPublicAddress(entry.address));
    if (unsafe) return callback(new UnsafeAddressError(hostname, unsafe.address), "", 0);
    if (options.all) return (callback as unknown as (e: null, a: typeof list) => void)(null, list);
    callback(null, list[0].address, list[0].family);
  });
};

/** Resolves `hostname` and fails with UnsafeAddressError when any answer is not public. */
export function assertPublicHost(hostname: string): Promise<string[]> {
  const bare = hostname.replace(/^\[|\]$/g, "");
  if (isIP(bare)) {
    return isPublicAddress(bare) ? Promise.resolve([bare]) : Promise.reject(new UnsafeAddressError(hostname, bare));
  }
  return new Promise((resolve, reject) => {
    publicOnlyLookup(bare, { all: true }, (error, addresses) => {
      if (error) return reject(error);
      resolve((addresses as unknown as Array<{ address: string }>).map((entry) => entry.address));
    });
  });
}

let publicAgent: Agent | undefined;

/** The HTTP dispatcher for merchant-given hosts: TLS verified, public addresses only. */
export function publicInternetDispatcher(): Agent {
  publicAgent ??= new Agent({ connect: { lookup: publicOnlyLookup } });
  return publicAgent;
}
