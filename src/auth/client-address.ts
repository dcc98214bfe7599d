import { isIPv6 } from 'node:net';

/**
 * The rate-limit key of a client without a token: its IPv4 address, or the /64 of its IPv6 one,
 * since a single host is usually handed a whole /64 and could otherwise take a fresh address for
 * every request. IPv4-mapped IPv6 (`::ffff:1.2.3.4`) counts as the IPv4 address it is.
 */
export function clientAddressKey(address: string | undefined): string {
  if (!address) return 'ip:unknown';
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return `ip:${mapped[1]}`;
  if (!isIPv6(address)) return `ip:${address}`;
  return `ip6:${expandedGroups(address).slice(0, 4).join(':')}::/64`;
}

/** The 8 groups of an IPv6 address, `::` expanded, leading zeros dropped (its zone id ignored). */
function expandedGroups(address: string): string[] {
  const [head, tail] = address.split('%')[0].split('::');
  const groupsOf = (part: string | undefined) =>
    part ? part.split(':').flatMap((group) => (group.includes('.') ? ['0', '0'] : [group])) : [];
  const before = groupsOf(head);
  const after = groupsOf(tail);
  const zeros = tail === undefined ? [] : Array<string>(8 - before.length - after.length).fill('0');
  return [...before, ...zeros, ...after].map((group) =>
    group.replace(/^0+(?=.)/, '').toLowerCase(),
  );
}
