import type { BatchRecord } from '../../src/kafka/producer/record-batch.js'

/** A record with no key and no headers, as the tests that hand-build Produce requests send it. */
export function plainRecord(value: string, timestamp: number): BatchRecord {
  return {
    key: undefined,
    keyBytes: 0,
    value,
    valueBytes: Buffer.byteLength(value),
    headers: undefined,
    headerCount: 0,
    headerBytes: 1,
    timestamp
  }
}
