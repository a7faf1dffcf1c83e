/** A small seeded PRNG (mulberry32), so that a failing property test can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** One of `items`, chosen by `random`. */
export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T
}

/** `length` bytes from a seeded generator. */
export function randomBytes(seed: number, length: number): number[] {
  const random = seededRandom(seed)
  return Array.from({ length }, () => Math.floor(random() * 256))
}
