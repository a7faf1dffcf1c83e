// The MQTT front: ThingsBoard's MQTT device API (device and gateway topics, QoS 0 and 1, MQTT
// 3.1, 3.1.1 and 5) over TCP or TLS, on mqtt-packet, the packet codec of MQTT.js and aedes.

import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { createServer as createTlsServer } from 'node:tls'
import type { Logger } from '../../engine/logger.js'
import { describeError } from '../../errors.js'
import { noIngestMetrics, type IngestMetrics } from '../../service/ingest-metrics.js'
import type { Accept } from '../acceptance.js'
import type { Device } from '../devices.js'
import { listenOn } from '../listen.js'
import { MqttSession } from './mqtt-session.js'

/** A certificate chain and its private key, PEM. */
export interface MqttTls {
  readonly cert: string | Buffer
  readonly key: string | Buffer
}

/** What the MQTT front needs. */
export interface MqttIngestOptions {
  /** Where messages are handed over; a QoS 1 PUBACK waits for it (see acceptance.ts). */
  readonly accept: Accept
  readonly devices: ReadonlyMap<string, Device>
  readonly logger: Logger
  readonly metrics?: IngestMetrics
  /** Serve MQTT over TLS with this certificate. */
  readonly tls?: MqttTls
  /** Largest packet taken (default 1 MiB and a little, as the HTTP front's largest body). */
  readonly maxPacketBytes?: number
}

/** The MQTT front of a running service. */
export class MqttIngest {
  readonly server: Server
  readonly #sessions = new Set<MqttSession>()
  readonly #logger: Logger

  constructor(options: MqttIngestOptions) {
    this.#logger = options.logger
    const devicesByName = new Map<string, Device>()
    for (const device of options.devices.values()) devicesByName.set(device.name, device)
    const context = {
      devices: options.devices,
      devicesByName,
      accept: options.accept,
      logger: options.logger,
      metrics: options.metrics ?? noIngestMetrics,
      maxPacketBytes: options.maxPacketBytes ?? (1 << 20) + 1024
    }
    const onSocket = (socket: Socket): void => {
      socket.setNoDelay(true)
      const session = new MqttSession(socket, context)
      this.#sessions.add(session)
      void session.closed.then(() => this.#sessions.delete(session))
    }
    if (options.tls === undefined) {
      this.server = createTcpServer(onSocket)
    } else {
      const server = createTlsServer({ cert: options.tls.cert, key: options.tls.key }, onSocket)
      server.on('tlsClientError', (failure) =>
        this.#logger.debug(`mqtt: a TLS handshake failed: ${describeError(failure)}`)
      )
      this.server = server
    }
  }

  /** Starts listening; resolves with the bound address, or rejects with a ServiceError naming it. */
  listen(port: number, host = '127.0.0.1'): Promise<AddressInfo> {
    return listenOn(this.server, port, host)
  }

  /** Connections open now. */
  get connections(): number {
    return this.#sessions.size
  }

  /**
   * Stops taking connections and packets at once; gives each connection's acceptance under way
   * `graceMs` to finish (so its PUBACK goes out), then cuts what is still open. A message handed
   * over is the chain's either way; one not acknowledged is sent again by its client.
   */
  async close(graceMs: number): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()))
    const stopped = Promise.all([...this.#sessions].map((session) => session.stop()))
    let timer: NodeJS.Timeout | undefined
    const cut = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        if (this.#sessions.size > 0)
          this.#logger.warn(
            `mqtt: cut ${this.#sessions.size} connection(s) still open after the ${graceMs} ms grace`
          )
        for (const session of this.#sessions) session.destroy()
        resolve()
      }, graceMs)
    })
    try {
      await Promise.race([stopped, cut])
      await closed
    } finally {
      clearTimeout(timer)
    }
  }
}
