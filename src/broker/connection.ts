// One client connection: size-prefixed frames in, responses out in request order (Kafka answers a
// connection's requests in the order they came, holding later ones while one long-polls).

import type { Socket } from 'node:net'
import type { Api, RequestContext } from './apis/api.js'
import type { BrokerLogger } from './broker-logger.js'
import type { FaultState } from './faults.js'
import { ErrorCode } from './protocol/error-codes.js'
import { Reader } from './protocol/reader.js'
import { readRequestHeader, type RequestHeader } from './protocol/request-header.js'
import { decode, encode, type Struct } from './protocol/schema.js'
import { Writer } from './protocol/writer.js'
import { SaslSession } from './sasl/sasl-session.js'

/** What a connection needs from the broker. */
export interface ConnectionOptions {
  readonly apis: ReadonlyMap<number, Api>
  readonly faults: FaultState
  readonly logger: BrokerLogger
  readonly maxRequestBytes: number
  /** Largest frame read before SASL authentication (Kafka's sasl.server.max.receive.size). */
  readonly maxUnauthenticatedRequestBytes: number
  /** Close the connection after this long without a byte in or out (connections.max.idle.ms). */
  readonly idleTimeoutMs: number
  readonly users: ReadonlyMap<string, string> | undefined
  readonly context: Omit<RequestContext, 'clientId' | 'sasl' | 'injectedError' | 'closed'>
  readonly countRequest: (api: string) => void
}

const SASL_APIS = new Set(['ApiVersions', 'SaslHandshake', 'SaslAuthenticate'])
const API_VERSIONS_KEY = 18

/** Serves one socket. */
export class Connection {
  readonly #socket: Socket
  readonly #options: ConnectionOptions
  readonly #sasl: SaslSession
  readonly #frames: Buffer[] = []
  // The frame being read: its size field (which may arrive split), then its chunks, joined once
  // when the last one is in. Joining all pending bytes on every read would copy a large frame
  // once per chunk, quadratic in its size.
  readonly #sizeField = Buffer.alloc(4)
  #sizeFieldBytes = 0
  #frameSize = -1
  #frameChunks: Buffer[] = []
  #frameBytes = 0
  #processing = false
  #requests = 0
  #closed = false
  // One context for the connection, its per-request fields set as each request starts: requests
  // are handled one at a time (a request that waits holds back the next), so no handler sees
  // another's values, and a request costs no new context object.
  readonly #context: { -readonly [K in keyof RequestContext]: RequestContext[K] }

  constructor(socket: Socket, options: ConnectionOptions) {
    this.#socket = socket
    this.#options = options
    this.#sasl = new SaslSession(options.users)
    this.#context = {
      ...options.context,
      clientId: null,
      sasl: this.#sasl,
      injectedError: undefined,
      closed: () => this.#closed
    }
    socket.setNoDelay(true)
    // Kafka's Selector closes a connection idle for connections.max.idle.ms (default 10 minutes),
    // so that clients which vanish without a FIN do not hold the broker's resources forever.
    if (options.idleTimeoutMs > 0) {
      socket.setTimeout(options.idleTimeoutMs, () => {
        options.logger.info(`${this.address}: idle for ${options.idleTimeoutMs} ms; closing the connection`)
        this.close()
      })
    }
    socket.on('data', (chunk: Buffer) => this.#onData(chunk))
    socket.on('error', () => this.close())
    socket.on('close', () => (this.#closed = true))
  }

  get address(): string {
    return `${this.#socket.remoteAddress ?? '?'}:${this.#socket.remotePort ?? '?'}`
  }

  /** Drops the connection. */
  close(): void {
    this.#closed = true
    this.#socket.destroy()
  }

  #onData(chunk: Buffer): void {
    let at = 0
    while (at < chunk.length && !this.#closed) {
      if (this.#frameSize < 0) {
        const take = Math.min(4 - this.#sizeFieldBytes, chunk.length - at)
        chunk.copy(this.#sizeField, this.#sizeFieldBytes, at, at + take)
        this.#sizeFieldBytes += take
        at += take
        if (this.#sizeFieldBytes < 4) break
        this.#sizeFieldBytes = 0
        if (!this.#startFrame(this.#sizeField.readInt32BE(0))) return
        continue
      }
      const take = Math.min(this.#frameSize - this.#frameBytes, chunk.length - at)
      this.#frameChunks.push(chunk.subarray(at, at + take))
      this.#frameBytes += take
      at += take
      if (this.#frameBytes === this.#frameSize) {
        const chunks = this.#frameChunks
        this.#frames.push(
          chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, this.#frameSize)
        )
        this.#frameChunks = []
        this.#frameBytes = 0
        this.#frameSize = -1
      }
    }
    if (!this.#processing && this.#frames.length > 0) void this.#process()
  }

  // Checks a frame's announced size before any of it is held. Before SASL authentication Kafka
  // reads at most sasl.server.max.receive.size (512 KiB), so that a client with no credentials
  // cannot make the broker hold socket.request.max.bytes (100 MiB) for it.
  #startFrame(size: number): boolean {
    const limit = this.#sasl.required
      ? Math.min(this.#options.maxUnauthenticatedRequestBytes, this.#options.maxRequestBytes)
      : this.#options.maxRequestBytes
    if (size < 8 || size > limit) {
      this.#options.logger.warn(
        `${this.address}: request frame of ${size} bytes is outside 8..${limit}${this.#sasl.required ? ' before SASL authentication' : ''}; closing the connection`
      )
      this.close()
      return false
    }
    this.#frameSize = size
    return true
  }

  async #process(): Promise<void> {
    this.#processing = true
    this.#socket.cork()
    try {
      while (this.#frames.length > 0 && !this.#closed) {
        const frame = this.#frames.shift() as Buffer
        const result = this.#handle(frame)
        if (result !== undefined) {
          this.#socket.uncork()
          await result
          this.#socket.cork()
        }
      }
    } catch (error) {
      this.#options.logger.warn(`${this.address}: ${(error as Error).message}; closing the connection`)
      this.close()
    } finally {
      this.#socket.uncork()
      this.#processing = false
    }
  }

  // Returns a promise only when the request must wait (long poll, injected delay).
  #handle(frame: Buffer): Promise<void> | undefined {
    const reader = new Reader(frame)
    const header = readRequestHeader(reader)
    const api = this.#options.apis.get(header.apiKey)
    this.#requests++
    // Kafka cannot parse a request of an API key it does not know, nor of a version it does not
    // serve (other than ApiVersions), and closes the connection without an answer (RequestContext
    // .parseRequest throws InvalidRequestException); clients learn the ranges from ApiVersions.
    if (api === undefined) {
      throw new Error(`unknown API key ${header.apiKey}`)
    }
    this.#options.countRequest(api.name)
    if (this.#sasl.required && !SASL_APIS.has(api.name)) {
      throw new Error(`${api.name} request before SASL authentication`)
    }
    if (header.apiVersion < api.minVersion || header.apiVersion > api.maxVersion) {
      if (api.key !== API_VERSIONS_KEY)
        throw new Error(
          `${api.name} v${header.apiVersion} is not served (${api.minVersion}-${api.maxVersion})`
        )
      return this.#unsupportedApiVersions(api, header)
    }
    const flexible = header.apiVersion >= api.flexibleFrom
    if (flexible) reader.skipTags()
    const request = decode(reader, api.request, header.apiVersion, flexible)
    const context = this.#context
    context.clientId = header.clientId
    context.injectedError = this.#options.faults.takeFailure(api.name)
    const delay = this.#options.faults.delayFor(api.name)
    if (delay > 0) {
      return new Promise<void>((resolve) => setTimeout(resolve, delay)).then(async () =>
        this.#answer(api, header, flexible, await api.handle(request, header.apiVersion, context))
      )
    }
    const response = api.handle(request, header.apiVersion, context)
    if (response instanceof Promise)
      return response.then((later) => this.#answer(api, header, flexible, later))
    this.#answer(api, header, flexible, response)
    return undefined
  }

  #answer(api: Api, header: RequestHeader, flexible: boolean, response: Struct | null): void {
    const drop = response === null ? undefined : this.#options.faults.takeDrop(api.name)
    if (drop !== undefined) {
      this.#options.logger.info(`${this.address}: ${api.name} handled, answer dropped (fault injection)`)
      this.#closed = true
      this.#socket.destroy()
      drop.afterEach?.()
      return
    }
    if (response !== null) {
      // KIP-511: ApiVersions responses keep header v0 even in flexible versions.
      const frame = this.#frame(header, flexible && api.key !== API_VERSIONS_KEY, 256)
      encode(frame, api.response, header.apiVersion, flexible, response)
      this.#send(frame)
      if (response.closeAfter === true) this.#socket.end()
    }
    const limit = this.#options.faults.closeAfterRequests
    if (limit > 0 && this.#requests >= limit) {
      this.#options.logger.info(`${this.address}: closing after ${this.#requests} requests (fault injection)`)
      // end(), not destroy(): the answers already written still reach the client.
      this.#closed = true
      this.#socket.end()
    }
  }

  // KIP-511: an ApiVersions request in a version the broker does not know is answered in v0, with
  // UNSUPPORTED_VERSION and the range of ApiVersions alone, so that the client retries in a version
  // both know.
  #unsupportedApiVersions(api: Api, header: RequestHeader): undefined {
    this.#options.logger.warn(
      `${this.address}: ApiVersions v${header.apiVersion} is not served (${api.minVersion}-${api.maxVersion})`
    )
    const frame = this.#frame(header, false, 64)
    encode(frame, api.response, 0, false, api.errorResponse({}, ErrorCode.UNSUPPORTED_VERSION))
    this.#send(frame)
    return undefined
  }

  // A response is written as one buffer, its size field and header first, so that it costs the
  // socket one write rather than two.
  #frame(header: RequestHeader, tagged: boolean, capacity: number): Writer {
    const frame = new Writer(capacity)
    frame.int32(0).int32(header.correlationId)
    if (tagged) frame.tags()
    return frame
  }

  #send(frame: Writer): void {
    if (this.#closed) return
    const bytes = frame.finish()
    bytes.writeInt32BE(bytes.length - 4, 0)
    this.#socket.write(bytes)
  }
}
