// What a node may measure about itself. The runtime hands each node an instance already labelled
// with the node's name, so nodes never depend on a metrics library; the service backs it with
// prom-client, tests and plain runs with the no-op below.

/** A monotonically increasing count. */
export interface CounterMetric {
  inc(amount?: number): void
}

/** A distribution of observed values (e.g. latencies in seconds). */
export interface HistogramMetric {
  observe(value: number): void
}

/** Where a node registers its metrics; names are prefixed `krn_` by the service. */
export interface NodeMetrics {
  counter(name: string, help: string): CounterMetric
  /** A value read when the metrics are scraped, so that nothing is paid per message. */
  gauge(name: string, help: string, read: () => number): void
  histogram(name: string, help: string, buckets: readonly number[]): HistogramMetric
}

const noCounter: CounterMetric = { inc: () => {} }
const noHistogram: HistogramMetric = { observe: () => {} }

/** Metrics that go nowhere. */
export const noMetrics: NodeMetrics = {
  counter: () => noCounter,
  gauge: () => {},
  histogram: () => noHistogram
}

/** How healthy a node is, for `/healthz`: a node that talks to a remote system reports whether it reached it. */
export interface NodeHealth {
  readonly ok: boolean
  readonly detail: string
}
