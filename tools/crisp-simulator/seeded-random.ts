/**
 * Deterministic pseudo-random numbers for the Crisp simulator.
 *
 * Math.random() cannot be seeded, and every generated data set, fault sequence and live-traffic run
 * must be reproducible from a single number so that a failing test or benchmark can be replayed.
 * mulberry32 is tiny, fast (one 32-bit state) and good enough for synthetic data; it is not meant for
 * cryptography.
 */
// Module-level aliases: under jest every global lookup (Math.*) inside a vm context goes through a
// slow interceptor, which made generating a million messages several times slower than in node.
const imul = Math.imul;
const floor = Math.floor;
const pow = Math.pow;

export class SeededRandom {
  private state: number;

  constructor(readonly seed: number) {
    // Any finite number is accepted; fold it into 32 bits so that 1.5 and 2**40 still seed usefully.
    this.state = hashSeed(seed);
  }

  /** Uniform float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number {
    if (max < min) {
      throw new RangeError(`SeededRandom.int: max (${max}) < min (${min})`);
    }
    return min + floor(this.next() * (max - min + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) {
      throw new RangeError('SeededRandom.pick: empty list');
    }
    return items[floor(this.next() * items.length)];
  }

  /** Picks a key by relative weight, e.g. { text: 80, file: 10 }. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    const entries = Object.entries(weights) as [K, number][];
    const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
    let roll = this.next() * total;
    for (const [key, weight] of entries) {
      roll -= weight;
      if (roll < 0) {
        return key;
      }
    }
    return entries[entries.length - 1][0];
  }

  /**
   * Integer in [min, max] biased towards min: real inboxes have many short conversations and a
   * long tail of very long ones. skew = 1 is uniform, larger values push mass towards min.
   */
  skewedInt(min: number, max: number, skew = 3): number {
    return min + floor(pow(this.next(), skew) * (max - min + 1));
  }

  /** Lower-case hex string of the given length. */
  hex(length: number): string {
    let out = '';
    while (out.length < length) {
      out += floor(this.next() * 0x100000000)
        .toString(16)
        .padStart(8, '0');
    }
    return out.slice(0, length);
  }

  /** UUID-shaped (8-4-4-4-12) identifier; version/variant nibbles set so it looks like a v4 UUID. */
  uuid(): string {
    const h = this.hex(32);
    const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  /**
   * Independent stream derived from this generator's seed and a label, so that adding a draw in one
   * part of the generator does not shift every value produced by another part.
   */
  fork(label: string): SeededRandom {
    return new SeededRandom(hashSeed(this.seed) ^ hashString(label));
  }
}

function hashSeed(seed: number): number {
  if (!Number.isFinite(seed)) {
    throw new RangeError(`SeededRandom: seed must be finite, got ${seed}`);
  }
  const low = seed >>> 0;
  const high = floor(seed / 4294967296) >>> 0;
  return (imul(low ^ 0x9e3779b9, 0x85ebca6b) ^ imul(high, 0xc2b2ae35)) >>> 0;
}

/** FNV-1a, enough to turn a label into a 32-bit seed offset. */
function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
