// What a contender's JavaScript heap went through while it was measured: bytes allocated and the
// young-generation collections (scavenges) they caused, from V8's GC profiler. Bytes allocated
// are the heap's growth between collections, added up: what each collection found in use, less
// what the previous one left.

import v8 from 'node:v8'

/** The heap over a measured span. */
export interface HeapUse {
  readonly allocatedBytes: number
  readonly scavenges: number
  /** The longest scavenge pause, in ms. */
  readonly maxScavengeMs: number
  /** All scavenge pauses together, in ms. */
  readonly scavengeMs: number
}

interface GcRecord {
  readonly gcType: string
  /** Microseconds. */
  readonly cost: number
  readonly beforeGC: { readonly heapStatistics: { readonly usedHeapSize: number } }
  readonly afterGC: { readonly heapStatistics: { readonly usedHeapSize: number } }
}

/** Starts watching the heap; the returned function stops and tells what happened since. */
export function watchHeap(): () => HeapUse {
  const profiler = new v8.GCProfiler()
  const usedAtStart = v8.getHeapStatistics().used_heap_size
  profiler.start()
  return () => {
    const usedAtEnd = v8.getHeapStatistics().used_heap_size
    const records = (profiler.stop()?.statistics ?? []) as GcRecord[]
    let allocatedBytes = 0
    let used = usedAtStart
    let scavenges = 0
    let scavengeUs = 0
    let maxScavengeUs = 0
    for (const record of records) {
      allocatedBytes += record.beforeGC.heapStatistics.usedHeapSize - used
      used = record.afterGC.heapStatistics.usedHeapSize
      if (record.gcType !== 'Scavenge') continue
      scavenges++
      scavengeUs += record.cost
      maxScavengeUs = Math.max(maxScavengeUs, record.cost)
    }
    allocatedBytes += usedAtEnd - used
    return { allocatedBytes, scavenges, maxScavengeMs: maxScavengeUs / 1000, scavengeMs: scavengeUs / 1000 }
  }
}
