import { readFileSync } from 'node:fs';

const LISTEN = '0A';

/** 4 bytes of /proc/net/tcp* hex, stored in host (little-endian) order, as an address. */
function wordsToAddress(hex: string): string {
  const bytes = (hex.match(/../g) ?? []).map((pair) => parseInt(pair, 16));
  const ordered = Array.from({ length: bytes.length / 4 }, (_, word) =>
    bytes.slice(word * 4, word * 4 + 4).reverse(),
  ).flat();
  if (ordered.length === 4) return ordered.join('.');
  const groups = Array.from({ length: 8 }, (_, group) =>
    ((ordered[2 * group] << 8) | ordered[2 * group + 1]).toString(16),
  );
  // The URL parser writes an IPv6 address in its canonical short form.
  return new URL(`http://[${groups.join(':')}]`).hostname.slice(1, -1);
}

/**
 * The local addresses TCP sockets listen on at `port`, as the kernel reports them: the bound
 * address itself, not whether some client happened to reach it.
 */
export function listeningAddresses(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((table) => {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      return []; // no IPv6 on this machine
    }
    return text
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((fields) => fields[3] === LISTEN && fields[1]?.endsWith(`:${hexPort}`))
      .map((fields) => wordsToAddress(fields[1].split(':')[0]));
  });
}
