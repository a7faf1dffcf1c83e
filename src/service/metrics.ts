// Prometheus metrics for a running chain, on prom-client. Chain counts are read at scrape time
// from the runtime's own counters, so metrics cost nothing per message.

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { Chain } from '../engine/chain.js'
import type { KafkaInput } from '../ingest/kafka-input/kafka-input.js'
import type { CounterMetric, HistogramMetric, NodeMetrics } from '../engine/node-metrics.js'
import type { Spool } from '../spool/spool.js'
import { createIngestMetrics, type IngestMetrics } from './ingest-metrics.js'

const PREFIX = 'krn_'

/** The service's metrics registry: process metrics, chain counts, and what nodes register. */
export class ServiceMetrics {
  readonly registry = new Registry()
  readonly #counters = new Map<string, Counter<'node'>>()
  readonly #histograms = new Map<string, Histogram<'node'>>()
  readonly #gauges = new Map<string, Map<string, () => number>>()
  #ingest: IngestMetrics | undefined

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: PREFIX })
  }

  /** Exposes a chain's counts: messages in, out per relation, per node, in flight. */
  attachChain(chain: Chain): void {
    const registers = [this.registry]
    new Counter({
      name: `${PREFIX}messages_in_total`,
      help: 'Messages that entered the chain',
      registers,
      collect() {
        this.reset()
        this.inc(chain.entered)
      }
    })
    new Counter({
      name: `${PREFIX}messages_out_total`,
      help: 'Messages that left the chain, by the relation they left on',
      labelNames: ['relation'],
      registers,
      collect() {
        this.reset()
        for (const [relation, count] of chain.exitCounts()) this.inc({ relation }, count)
      }
    })
    new Gauge({
      name: `${PREFIX}messages_in_flight`,
      help: 'Messages in the chain that have not left it yet',
      registers,
      collect() {
        this.set(chain.inFlight)
      }
    })
    new Counter({
      name: `${PREFIX}node_messages_in_total`,
      help: 'Messages received by each node',
      labelNames: ['node'],
      registers,
      collect() {
        this.reset()
        for (const stats of chain.stats()) this.inc({ node: stats.name }, stats.received)
      }
    })
    new Counter({
      name: `${PREFIX}node_messages_out_total`,
      help: 'Messages told onwards by each node, by relation',
      labelNames: ['node', 'relation'],
      registers,
      collect() {
        this.reset()
        for (const stats of chain.stats()) {
          for (const [relation, count] of stats.told) this.inc({ node: stats.name, relation }, count)
        }
      }
    })
    new Counter({
      name: `${PREFIX}node_messages_consumed_total`,
      help: 'Messages each node ended without passing them on (as ThingsBoard acks: deduplicated, an empty split)',
      labelNames: ['node'],
      registers,
      collect() {
        this.reset()
        for (const stats of chain.stats())
          if (stats.consumed > 0) this.inc({ node: stats.name }, stats.consumed)
      }
    })
  }

  /**
   * Exposes a spool's state, read at scrape time. Its fsync latencies go to the histogram that
   * `spoolSyncObserver` gave the spool when it was opened.
   */
  attachSpool(spool: Spool): void {
    const registers = [this.registry]
    new Gauge({
      name: `${PREFIX}spool_bytes`,
      help: 'Bytes of spool segment files on disk',
      registers,
      collect() {
        this.set(spool.bytes)
      }
    })
    new Gauge({
      name: `${PREFIX}spool_segments`,
      help: 'Spool segment files on disk',
      registers,
      collect() {
        this.set(spool.segments)
      }
    })
    new Gauge({
      name: `${PREFIX}spool_records_pending`,
      help: 'Messages in the spool that have not left the chain yet',
      registers,
      collect() {
        this.set(spool.pending)
      }
    })
    new Gauge({
      name: `${PREFIX}spool_syncs_on_event_loop`,
      help: 'Whether the spool makes its syncs on the event loop (1: they are quick) or on the thread pool (0: they were slow)',
      registers,
      collect() {
        this.set(spool.syncsOnLoop ? 1 : 0)
      }
    })
    new Counter({
      name: `${PREFIX}spool_replayed_total`,
      help: 'Messages an earlier run left unfinished, replayed into the chain at start',
      registers,
      collect() {
        this.reset()
        this.inc(spool.replayed)
      }
    })
    new Counter({
      name: `${PREFIX}spool_torn_records_total`,
      help: 'Records lost to a torn or corrupt segment tail found at start (truncated)',
      registers,
      collect() {
        this.reset()
        this.inc(spool.lostRecords)
      }
    })
  }

  /** A histogram of the spool's fdatasync latencies, in seconds, and the function that observes into it. */
  spoolSyncObserver(): (seconds: number) => void {
    const histogram = new Histogram({
      name: `${PREFIX}spool_fsync_seconds`,
      help: 'Time each spool fdatasync took (one per group commit)',
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [this.registry]
    })
    return (seconds) => histogram.observe(seconds)
  }

  /** The device fronts' counts (created on first use, shared by every front). */
  get ingest(): IngestMetrics {
    return (this.#ingest ??= createIngestMetrics(this.registry, PREFIX))
  }

  /**
   * Exposes a Kafka input's counts: records in, dead-lettered, rebalances, and per partition the
   * offset this member committed last and the consumer lag (end offset minus committed offset).
   */
  attachKafkaInput(input: KafkaInput): void {
    const registers = [this.registry]
    new Counter({
      name: `${PREFIX}kafka_input_records_total`,
      help: 'Records taken from the input topics (dead-lettered ones included)',
      registers,
      collect() {
        this.reset()
        this.inc(input.recordsIn)
      }
    })
    new Counter({
      name: `${PREFIX}kafka_input_dead_lettered_total`,
      help: 'Input records that were not messages (sent to the dead-letter topic, or skipped without one)',
      registers,
      collect() {
        this.reset()
        this.inc(input.deadLettered)
      }
    })
    new Counter({
      name: `${PREFIX}kafka_input_rebalances_total`,
      help: 'Group joins after the first (rebalances this member took part in)',
      registers,
      collect() {
        this.reset()
        this.inc(input.rebalances)
      }
    })
    new Gauge({
      name: `${PREFIX}kafka_input_committed_offset`,
      help: 'The offset this member committed last, per partition (the next record to read)',
      labelNames: ['topic', 'partition'],
      registers,
      collect() {
        this.reset()
        for (const { topic, partition, offset } of input.committedOffsets())
          this.set({ topic, partition: String(partition) }, Number(offset))
      }
    })
    new Gauge({
      name: `${PREFIX}kafka_input_lag`,
      help: 'Consumer lag per partition held: end offset minus committed offset',
      labelNames: ['topic', 'partition'],
      registers,
      async collect() {
        this.reset()
        let lags
        try {
          lags = await input.lag()
        } catch {
          // The end offsets are not known while the broker cannot be asked: no lag is shown.
          return
        }
        for (const { topic, partition, lag } of lags)
          this.set({ topic, partition: String(partition) }, Number(lag))
      }
    })
  }

  /** The NodeMetrics a node registers into, labelled with its name. */
  forNode(node: { readonly name: string }): NodeMetrics {
    return {
      counter: (name, help) => {
        const counter = this.#counter(name, help).labels({ node: node.name })
        // Shown as 0 from the start, so that a scrape can tell "none yet" from "not measured".
        counter.inc(0)
        return counter as CounterMetric
      },
      gauge: (name, help, read) => this.#gauge(name, help).set(node.name, read),
      histogram: (name, help, buckets) =>
        this.#histogram(name, help, buckets).labels({ node: node.name }) as HistogramMetric
    }
  }

  /** The exposition in Prometheus text format. */
  async text(): Promise<string> {
    return this.registry.metrics()
  }

  #counter(name: string, help: string): Counter<'node'> {
    let counter = this.#counters.get(name)
    if (counter === undefined) {
      counter = new Counter({ name: PREFIX + name, help, labelNames: ['node'], registers: [this.registry] })
      this.#counters.set(name, counter)
    }
    return counter
  }

  #histogram(name: string, help: string, buckets: readonly number[]): Histogram<'node'> {
    let histogram = this.#histograms.get(name)
    if (histogram === undefined) {
      histogram = new Histogram({
        name: PREFIX + name,
        help,
        labelNames: ['node'],
        buckets: [...buckets],
        registers: [this.registry]
      })
      this.#histograms.set(name, histogram)
    }
    return histogram
  }

  #gauge(name: string, help: string): Map<string, () => number> {
    let readers = this.#gauges.get(name)
    if (readers === undefined) {
      const all = new Map<string, () => number>()
      readers = all
      new Gauge({
        name: PREFIX + name,
        help,
        labelNames: ['node'],
        registers: [this.registry],
        collect() {
          for (const [node, read] of all) this.set({ node }, read())
        }
      })
      this.#gauges.set(name, all)
    }
    return readers
  }
}
