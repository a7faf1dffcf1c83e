import { KafkaCluster, loadKafka, startKafka } from '../../reference/kafka/cluster.js'

/**
 * The Apache Kafka of this test process. `scripts/run-tests.mjs` starts one single broker for the
 * whole run and passes its folder in KRN_KAFKA_DIR; a test file run on its own starts one of its
 * own (stopped when the file ends). KAFKA_BOOTSTRAP=host:port points the PLAINTEXT tests at a
 * Kafka of one's own instead (the security tests, which need our users and CA, then skip).
 */
let shared: Promise<ReferenceKafka> | undefined

/** A running Apache Kafka: its PLAINTEXT bootstrap list, and the whole cluster where we started it. */
export interface ReferenceKafka {
  readonly bootstrap: string
  /** Our cluster (listeners, users, CA); undefined for a Kafka given in KAFKA_BOOTSTRAP. */
  readonly cluster: KafkaCluster | undefined
}

/** The Apache Kafka for this process, started on first use. */
export function referenceKafka(): Promise<ReferenceKafka> {
  shared ??= open()
  return shared
}

async function open(): Promise<ReferenceKafka> {
  const own = process.env.KAFKA_BOOTSTRAP
  if (own !== undefined && own !== '') return { bootstrap: own, cluster: undefined }
  const dir = process.env.KRN_KAFKA_DIR
  if (dir !== undefined && dir !== '') {
    const cluster = loadKafka(dir)
    return { bootstrap: cluster.bootstrap(), cluster }
  }
  const cluster = await startKafka({ brokers: 1 })
  // Stopped when the test file's work is done (beforeExit lets the stop run before exit).
  let stopping = false
  process.on('beforeExit', () => {
    if (stopping) return
    stopping = true
    void cluster.stop()
  })
  return { bootstrap: cluster.bootstrap(), cluster }
}
