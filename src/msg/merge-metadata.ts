// Metadata with entries added or replaced, as `{ ...metadata, ...entries }` builds it (the same
// keys, in the same order, as own data properties), copied key by key. V8 (Node 20 and 22) makes
// an object literal that spreads one object and then adds properties about fifteen times slower
// than this copy, and a third of such objects outlive the next young-generation collection
// (measured: BENCHMARKS.md, "Round two"): on the path every message takes, that was most of the
// collector's pause.

/** Metadata entries, as TbMsg's `Metadata`. */
type Entries = Readonly<Record<string, string>>

/** `{ ...metadata, ...entries }`, built without spreading. */
export function mergeMetadata(metadata: Entries, entries: Entries): Record<string, string> {
  const out: Record<string, string> = {}
  copyInto(out, metadata)
  copyInto(out, entries)
  return out
}

function copyInto(out: Record<string, string>, from: Entries): void {
  // for-in walks V8's cached key list of the object's shape: no key array per call (Object.keys
  // would build one); the own-check keeps to what the spread copies.
  for (const key in from) {
    if (!Object.hasOwn(from, key)) continue
    // Assigning "__proto__" would set the prototype; spreading defines an own entry of that name.
    if (key === '__proto__')
      Object.defineProperty(out, key, {
        value: from[key],
        enumerable: true,
        writable: true,
        configurable: true
      })
    else out[key] = from[key] as string
  }
}
