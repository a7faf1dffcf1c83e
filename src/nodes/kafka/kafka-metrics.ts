// The Kafka node's metrics, registered through the node context (prom-client behind it in the
// service): batches, records, bytes, retries, errors, in-flight requests, buffer use, latency.

import type { CounterMetric, HistogramMetric, NodeMetrics } from '../../engine/node-metrics.js'

/** Live figures the gauges read at scrape time. */
export interface KafkaGaugeSource {
  readonly bufferUsed: number
  readonly inFlight: number
}

/** The node's counters and histogram. */
export class KafkaMetrics {
  readonly batches: CounterMetric
  readonly records: CounterMetric
  readonly bytes: CounterMetric
  readonly retries: CounterMetric
  readonly errors: CounterMetric
  readonly latency: HistogramMetric

  constructor(metrics: NodeMetrics, source: KafkaGaugeSource) {
    this.batches = metrics.counter(
      'kafka_batches_total',
      'Produce requests (batches) the Kafka node completed'
    )
    this.records = metrics.counter('kafka_records_total', 'Records the Kafka node delivered')
    this.bytes = metrics.counter('kafka_bytes_total', 'Bytes of records the Kafka node delivered')
    this.retries = metrics.counter(
      'kafka_retries_total',
      'Batches the Kafka node sent again after a retriable error'
    )
    this.errors = metrics.counter('kafka_errors_total', 'Records the Kafka node failed')
    this.latency = metrics.histogram(
      'kafka_produce_latency_seconds',
      'Time from sending a produce request to its answer',
      [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]
    )
    metrics.gauge('kafka_in_flight_requests', 'Produce requests under way', () => source.inFlight)
    metrics.gauge(
      'kafka_buffer_bytes',
      'Bytes of accepted records not yet completed (bounded by bufferMemory)',
      () => source.bufferUsed
    )
  }
}
