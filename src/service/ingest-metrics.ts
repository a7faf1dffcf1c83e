// Counts of the device fronts (HTTP, MQTT): connections, messages in by topic, refused connects,
// invalid payloads. Kept apart from the chain's counts, which are read from the runtime.

import { Counter, Gauge, type Registry } from 'prom-client'

/** What a device front reports. */
export interface IngestMetrics {
  /** An MQTT connection was accepted (CONNACK success) or has ended. */
  mqttConnection(delta: 1 | -1): void
  /** An MQTT PUBLISH arrived on `topic` (a device API topic, or "other"). */
  mqttMessageIn(topic: string): void
  /** An MQTT CONNECT was refused, for `reason` (e.g. "not authorized"). */
  mqttRefusedConnect(reason: string): void
  /** A payload was refused as invalid by `front` ("http" or "mqtt"). */
  invalidPayload(front: 'http' | 'mqtt'): void
}

/** Fronts that count nothing (tests, embedding without metrics). */
export const noIngestMetrics: IngestMetrics = {
  mqttConnection: () => {},
  mqttMessageIn: () => {},
  mqttRefusedConnect: () => {},
  invalidPayload: () => {}
}

/** The ingest metrics registered into `registry` under `prefix`. */
export function createIngestMetrics(registry: Registry, prefix: string): IngestMetrics {
  const registers = [registry]
  const connections = new Gauge({
    name: `${prefix}mqtt_connections`,
    help: 'MQTT connections open (accepted by CONNACK and not yet closed)',
    registers
  })
  const messagesIn = new Counter({
    name: `${prefix}mqtt_messages_in_total`,
    help: 'MQTT PUBLISH packets received, by topic (device API topics; any other as "other")',
    labelNames: ['topic'],
    registers
  })
  const refused = new Counter({
    name: `${prefix}mqtt_refused_connects_total`,
    help: 'MQTT connects refused in CONNACK, by reason',
    labelNames: ['reason'],
    registers
  })
  const invalid = new Counter({
    name: `${prefix}invalid_payloads_total`,
    help: 'Device posts refused because their payload is not a form the device API accepts, by front',
    labelNames: ['front'],
    registers
  })
  connections.set(0)
  for (const front of ['http', 'mqtt']) invalid.inc({ front }, 0)
  return {
    mqttConnection: (delta) => connections.inc(delta),
    mqttMessageIn: (topic) => messagesIn.inc({ topic }),
    mqttRefusedConnect: (reason) => refused.inc({ reason }),
    invalidPayload: (front) => invalid.inc({ front })
  }
}
