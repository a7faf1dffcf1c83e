// One MQTT connection: CONNECT authenticates the device by its access token (the user name, as
// ThingsBoard's MQTT transport does), each PUBLISH becomes messages handed to `accept`, and a QoS 1
// PUBACK goes out only once they are accepted. Packets are handled one at a time in arrival
// order; while an acceptance is awaited the socket is paused, so a node's backpressure stops the
// reading and what is buffered stays within one socket read.

import { randomUUID } from 'node:crypto'
import type { Socket } from 'node:net'
import { generate, parser, type IConnectPacket, type IPublishPacket, type Packet } from 'mqtt-packet'
import type { Logger } from '../../engine/logger.js'
import type { Acceptance } from '../../engine/rule-node.js'
import { describeError } from '../../errors.js'
import type { IngestMetrics } from '../../service/ingest-metrics.js'
import type { Accept } from '../acceptance.js'
import type { Device } from '../devices.js'
import { PayloadError } from '../payload.js'
import { DEVICE_TOPICS, PublishRefused, topicMessages } from './device-topics.js'
import { REASON, V3_NOT_AUTHORIZED } from './reason-codes.js'

/** What every session of a front shares. */
export interface SessionContext {
  readonly devices: ReadonlyMap<string, Device>
  readonly devicesByName: ReadonlyMap<string, Device>
  readonly accept: Accept
  readonly logger: Logger
  readonly metrics: IngestMetrics
  /** Largest packet taken; a larger one ends the connection (MQTT 5: DISCONNECT 0x95). */
  readonly maxPacketBytes: number
}

type Version = 3 | 4 | 5

/** A device's MQTT connection to the front. */
export class MqttSession {
  readonly #socket: Socket
  readonly #context: SessionContext
  readonly #parser = parser()
  readonly #queue: Packet[] = []
  #version: Version = 4
  #device: Device | undefined
  // An acceptance is awaited: the socket is paused and packets wait in the queue.
  #busy = false
  #stopping = false
  #ended = false
  #idle: (() => void) | undefined
  #corked = false
  /** Resolves once the connection has closed. */
  readonly closed: Promise<void>

  constructor(socket: Socket, context: SessionContext) {
    this.#socket = socket
    this.#context = context
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()))
    void this.closed.then(() => {
      this.#ended = true
      if (this.#device !== undefined) context.metrics.mqttConnection(-1)
      this.#idle?.()
    })
    this.#parser.on('packet', (packet) => {
      this.#queue.push(packet)
      if (!this.#busy) this.#run()
    })
    this.#parser.on('error', (failure: Error) => {
      context.logger.warn(`mqtt: ${this.#who()} sent a malformed packet: ${failure.message}`)
      this.#end(REASON.MALFORMED_PACKET)
    })
    socket.on('data', (chunk: Buffer) => {
      // An ended connection's late packets are not taken, nor held.
      if (this.#ended) return
      // parse() returns what it holds of a packet not yet complete: a bound on the buffering.
      if (this.#parser.parse(chunk) > context.maxPacketBytes) {
        context.logger.warn(`mqtt: ${this.#who()} sent a packet over ${context.maxPacketBytes} bytes`)
        this.#end(REASON.PACKET_TOO_LARGE)
      }
    })
    socket.on('error', (failure) => context.logger.debug(`mqtt: ${this.#who()}: ${describeError(failure)}`))
    socket.on('timeout', () => {
      // Silence while we hold the socket paused is ours, not the client's: wait another period.
      if (this.#busy) socket.setTimeout(socket.timeout ?? 0)
      else this.#end(REASON.KEEP_ALIVE_TIMEOUT)
    })
  }

  /**
   * Stops taking packets: what waits in the queue was never acknowledged and is dropped (the
   * client sends QoS 1 again), the acceptance under way is awaited and acknowledged, then the
   * client is told (MQTT 5: DISCONNECT 0x8B) and the connection ends.
   */
  async stop(): Promise<void> {
    this.#stopping = true
    this.#queue.length = 0
    this.#socket.pause()
    if (this.#busy) await new Promise<void>((resolve) => (this.#idle = resolve))
    this.#end(REASON.SERVER_SHUTTING_DOWN)
    await this.closed
  }

  /** Cuts the connection at once. */
  destroy(): void {
    this.#socket.destroy()
  }

  #who(): string {
    return this.#device === undefined ? 'a client' : `device "${this.#device.name}"`
  }

  #run(): void {
    while (this.#queue.length > 0 && !this.#stopping && !this.#ended) {
      const packet = this.#queue.shift() as Packet
      const wait = this.#handle(packet)
      if (wait !== undefined) {
        this.#busy = true
        this.#socket.pause()
        wait.then(
          () => this.#resumeAfterWait(),
          (failure: unknown) => {
            this.#context.logger.error(`mqtt: ${this.#who()}: ${describeError(failure)}`)
            this.#socket.destroy()
            this.#resumeAfterWait()
          }
        )
        return
      }
    }
  }

  #resumeAfterWait(): void {
    this.#busy = false
    if (this.#stopping || this.#ended) {
      this.#idle?.()
      return
    }
    this.#run()
    if (!this.#busy) this.#socket.resume()
  }

  #send(packet: Packet): undefined {
    if (this.#ended) return undefined
    // The answers of one tick (the PUBACKs of a socket read, or of acceptances resolved together)
    // go out in one write rather than one segment each.
    if (!this.#corked) {
      this.#corked = true
      this.#socket.cork()
      process.nextTick(this.#uncork)
    }
    this.#socket.write(generate(packet, { protocolVersion: this.#version }))
    return undefined
  }

  readonly #uncork = (): void => {
    this.#corked = false
    this.#socket.uncork()
  }

  /** Ends the connection; MQTT 5 clients first get a DISCONNECT saying why. */
  #end(reasonCode: number): undefined {
    if (this.#ended) return undefined
    if (this.#version === 5 && this.#device !== undefined) this.#send({ cmd: 'disconnect', reasonCode })
    this.#ended = true
    this.#socket.end()
    // A client that does not close its side is not waited for.
    setTimeout(() => this.#socket.destroy(), 1000).unref()
    return undefined
  }

  #handle(packet: Packet): Acceptance {
    if (this.#device === undefined) {
      if (packet.cmd !== 'connect') return this.#end(REASON.PROTOCOL_ERROR)
      return this.#connect(packet)
    }
    switch (packet.cmd) {
      case 'publish':
        return this.#publish(packet)
      case 'pingreq':
        return this.#send({ cmd: 'pingresp' })
      case 'subscribe':
        // The device API's subscriptions (attribute updates, RPC) need a server to push from.
        return this.#send({
          cmd: 'suback',
          messageId: packet.messageId ?? 0,
          granted: packet.subscriptions.map(() => REASON.UNSPECIFIED_ERROR)
        })
      case 'unsubscribe':
        return this.#send({
          cmd: 'unsuback',
          messageId: packet.messageId ?? 0,
          granted: this.#version === 5 ? packet.unsubscriptions.map(() => REASON.NO_SUBSCRIPTION_EXISTED) : []
        })
      case 'disconnect':
        this.#ended = true
        this.#socket.end()
        return undefined
      default:
        return this.#end(REASON.PROTOCOL_ERROR)
    }
  }

  #connect(packet: IConnectPacket): Acceptance {
    this.#version = (packet.protocolVersion ?? 4) as Version
    const device = packet.username === undefined ? undefined : this.#context.devices.get(packet.username)
    if (device === undefined) {
      this.#context.metrics.mqttRefusedConnect('not authorized')
      this.#context.logger.warn(
        `mqtt: refused a connect: ${packet.username === undefined ? 'no user name (the access token)' : 'unknown access token'}`
      )
      this.#send(
        this.#version === 5
          ? { cmd: 'connack', reasonCode: REASON.NOT_AUTHORIZED, sessionPresent: false }
          : { cmd: 'connack', returnCode: V3_NOT_AUTHORIZED, sessionPresent: false }
      )
      return this.#end(REASON.NOT_AUTHORIZED)
    }
    this.#device = device
    this.#context.metrics.mqttConnection(1)
    if (packet.keepalive !== undefined && packet.keepalive > 0) {
      // MQTT §3.1.2.10: one and a half keep-alive periods without a packet end the connection.
      this.#socket.setTimeout(packet.keepalive * 1500)
    }
    if (this.#version !== 5) {
      this.#send({ cmd: 'connack', returnCode: 0, sessionPresent: false })
      return undefined
    }
    this.#send({
      cmd: 'connack',
      reasonCode: REASON.SUCCESS,
      sessionPresent: false,
      properties: {
        maximumQoS: 1,
        retainAvailable: false,
        wildcardSubscriptionAvailable: false,
        subscriptionIdentifiersAvailable: false,
        sharedSubscriptionAvailable: false,
        maximumPacketSize: this.#context.maxPacketBytes,
        topicAliasMaximum: 0,
        ...(packet.clientId === '' ? { assignedClientIdentifier: randomUUID() } : {})
      }
    })
    return undefined
  }

  #publish(packet: IPublishPacket): Acceptance {
    const metrics = this.#context.metrics
    metrics.mqttMessageIn(DEVICE_TOPICS.has(packet.topic) ? packet.topic : 'other')
    // ThingsBoard grants QoS 0 and 1; MQTT 5 §3.3.2.1 says how to refuse what was not granted.
    if (packet.qos === 2) return this.#end(REASON.QOS_NOT_SUPPORTED)
    if (packet.topic === '') return this.#end(REASON.TOPIC_ALIAS_INVALID)
    const device = this.#device as Device
    const payload = typeof packet.payload === 'string' ? packet.payload : packet.payload.toString('utf8')
    let accepted: Acceptance
    try {
      const msgs = topicMessages({
        topicName: packet.topic,
        device,
        devicesByName: this.#context.devicesByName,
        payload,
        now: Date.now()
      })
      accepted = this.#context.accept(msgs)
    } catch (failure) {
      if (failure instanceof PayloadError || failure instanceof PublishRefused) {
        return this.#refuse(packet, failure)
      }
      // Not accepting (the service is stopping): no PUBACK, so the client keeps the message.
      this.#context.logger.warn(`mqtt: ${this.#who()}: not accepting messages: ${describeError(failure)}`)
      return this.#end(REASON.SERVER_SHUTTING_DOWN)
    }
    if (accepted === undefined) return this.#acknowledge(packet)
    return accepted.then(
      () => this.#acknowledge(packet),
      (failure: unknown) => {
        // Not taken after all (the spool is full or cannot write): no PUBACK, and the connection
        // ends, so that the client sends the message again once it has reconnected.
        this.#context.logger.warn(`mqtt: ${this.#who()}: not accepting messages: ${describeError(failure)}`)
        return this.#end(REASON.SERVER_BUSY)
      }
    )
  }

  #acknowledge(packet: IPublishPacket): undefined {
    if (packet.qos === 1) this.#send({ cmd: 'puback', messageId: packet.messageId ?? 0 })
    return undefined
  }

  /**
   * A publish that can never be taken: MQTT 5 says why in its PUBACK; MQTT 3.1.1 cannot, so it is
   * acknowledged (sending it again would not help) and the log and the metrics say it.
   */
  #refuse(packet: IPublishPacket, failure: PayloadError | PublishRefused): undefined {
    const invalid = failure instanceof PayloadError
    const reason = invalid ? `payload ${failure.message}` : failure.message
    if (invalid) this.#context.metrics.invalidPayload('mqtt')
    this.#context.logger.warn(`mqtt: ${this.#who()} on ${JSON.stringify(packet.topic)}: ${reason}`)
    if (packet.qos !== 1) return undefined
    if (this.#version !== 5) return this.#acknowledge(packet)
    this.#send({
      cmd: 'puback',
      messageId: packet.messageId ?? 0,
      reasonCode: invalid ? REASON.PAYLOAD_FORMAT_INVALID : failure.reasonCode,
      properties: { reasonString: reason }
    })
    return undefined
  }
}
