// The HTTP front: ThingsBoard's device HTTP API shape (`POST /api/v1/{accessToken}/telemetry` and
// `/attributes`, payload forms as in payload.ts), plus `/metrics` and `/healthz`. A 200 means the
// messages are in the chain, and the chain's accounting guarantees they leave on Success or
// Failure; when a node pushes back, new requests get 503 with Retry-After instead of piling up in
// memory. With a spool, a 200 also means the messages are on disk until they have left the
// chain, so that a killed process replays them.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Chain } from '../engine/chain.js'
import type { Logger } from '../engine/logger.js'
import { SpoolFullError, describeError } from '../errors.js'
import type { ServiceMetrics } from '../service/metrics.js'
import { chainAcceptor, type Acceptor } from './acceptance.js'
import { deviceMessages } from './device-messages.js'
import type { Device } from './devices.js'
import type { Membership } from './kafka-input/kafka-input.js'
import { listenOn } from './listen.js'
import { PayloadError, attributesPayload, telemetryPayload, type PostedValues } from './payload.js'

/** What the HTTP front needs. */
export interface HttpIngestOptions {
  readonly chain: Chain
  /** Where messages are handed over before the 200 (default: straight into `chain`; or a spool). */
  readonly acceptor?: Acceptor
  readonly devices: ReadonlyMap<string, Device>
  readonly logger: Logger
  readonly metrics?: ServiceMetrics
  /** The consumer group the service is a member of (a Kafka input), reported by /healthz. */
  readonly group?: { membership(): Membership }
  /** Largest request body accepted (default 1 MiB); larger ones get 413. */
  readonly maxBodyBytes?: number
}

const DEVICE_API = /^\/api\/v1\/([^/]+)\/(telemetry|attributes)\/?$/

/** How long a stopping service waits for requests under way, by default. */
export const DEFAULT_GRACE_MS = 5000

class BodyTooLarge extends Error {}

function readBody(request: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    request.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        reject(new BodyTooLarge())
        request.resume()
        return
      }
      chunks.push(chunk)
    })
    // A device's post is nearly always one chunk: decoded as it is, not copied into a new one first.
    request.on('end', () =>
      resolve(
        chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks).toString('utf8')
      )
    )
    request.on('error', reject)
  })
}

function reply(
  response: ServerResponse,
  status: number,
  body = '',
  headers: Record<string, string> = {}
): void {
  const type = body.startsWith('{') ? 'application/json' : 'text/plain; charset=utf-8'
  response.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), ...headers })
  response.end(body)
}

// The answer to every accepted post, as reply(response, 200) would give it: headers built once.
const ACCEPTED_HEADERS = ['content-type', 'text/plain; charset=utf-8', 'content-length', '0']

function answerAccepted(response: ServerResponse): void {
  response.writeHead(200, ACCEPTED_HEADERS)
  response.end()
}

const error = (message: string): string => JSON.stringify({ error: message })

/**
 * The request path as it may be logged: an access token is a device's password (ThingsBoard's
 * device API authenticates by it alone), so its path segment and the query never reach a log.
 */
function loggablePath(url: string | undefined): string {
  const path = (url ?? '/').split('?')[0] ?? '/'
  return path.replace(/^\/api\/v1\/[^/]+/, '/api/v1/{token}')
}

/** The token from its path segment, or undefined when its %-escapes are not valid UTF-8. */
function decodeToken(segment: string): string | undefined {
  if (!segment.includes('%')) return segment
  try {
    return decodeURIComponent(segment)
  } catch {
    return undefined
  }
}

/** The HTTP front of a running chain. */
export class HttpIngest {
  readonly server: Server
  readonly #options: HttpIngestOptions
  readonly #maxBodyBytes: number
  readonly #acceptor: Acceptor
  // Requests not yet answered, counted rather than kept in a Set: a Set whose size swings with the
  // requests under way rebuilds its table again and again, and V8 leaves a rebuilt table holding
  // its old entries and linked to its successor. Once answers wait (for the spool's sync), that
  // kept each request's objects alive through two scavenges: 3 µs of collection per request
  // instead of 0.7 (BENCHMARKS.md).
  #open = 0
  // One listener for every response, not a closure each.
  readonly #forget: () => void
  #closing = false

  constructor(options: HttpIngestOptions) {
    this.#options = options
    this.#maxBodyBytes = options.maxBodyBytes ?? 1 << 20
    this.#acceptor = options.acceptor ?? chainAcceptor(options.chain)
    this.#forget = () => this.#open--
    this.server = createServer((request, response) => {
      this.#open++
      response.on('close', this.#forget)
      this.#handle(request, response).catch((failure: unknown) => {
        options.logger.error(
          `HTTP ${request.method} ${loggablePath(request.url)} failed: ${describeError(failure)}`
        )
        if (!response.headersSent) this.#reply(response, 500, error('internal error'))
      })
    })
  }

  /** Starts listening; resolves with the bound address, or rejects with a ServiceError naming it. */
  async listen(port: number, host = '127.0.0.1'): Promise<AddressInfo> {
    return listenOn(this.server, port, host)
  }

  /**
   * Stops taking connections at once and gives the requests under way `graceMs` to finish; then
   * cuts the connections still open. Without the bound, one slow client would hold a stopping
   * service for Node's request timeout (300 s). A cut request was not answered 200; a message that
   * had entered the chain still leaves it, as the chain accounts for it, not the request.
   */
  async close(graceMs = DEFAULT_GRACE_MS): Promise<void> {
    this.#closing = true
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()))
    // Answers still to come end their connection (#reply), so that keep-alive does not outlast the grace.
    this.server.closeIdleConnections()
    const cut = setTimeout(() => {
      this.#options.logger.warn(`http: cut ${this.#open} request(s) still open after the ${graceMs} ms grace`)
      this.server.closeAllConnections()
    }, graceMs)
    try {
      await closed
    } finally {
      clearTimeout(cut)
    }
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = request.url ?? '/'
    const query = url.indexOf('?')
    const path = query === -1 ? url : url.slice(0, query)
    if (path === '/metrics' && request.method === 'GET') return this.#metrics(response)
    if (path === '/healthz' && request.method === 'GET') return this.#health(response)
    const match = DEVICE_API.exec(path)
    if (match === null)
      return this.#reply(response, 404, error(`no such endpoint: ${request.method} ${path}`))
    if (request.method !== 'POST') return this.#reply(response, 405, error('use POST'), { allow: 'POST' })
    const [, token = '', kind = ''] = match
    const decoded = decodeToken(token)
    if (decoded === undefined) {
      request.resume()
      return this.#reply(
        response,
        400,
        error('the access token in the path is not valid percent-encoding (RFC 3986)')
      )
    }
    const device = this.#options.devices.get(decoded)
    if (device === undefined) {
      request.resume()
      return this.#reply(response, 401, error('unknown device access token'))
    }
    let body: string
    try {
      body = await readBody(request, this.#maxBodyBytes)
    } catch (failure) {
      if (failure instanceof BodyTooLarge) {
        return this.#reply(response, 413, error(`body is larger than ${this.#maxBodyBytes} bytes`), {
          connection: 'close'
        })
      }
      // The client went away mid-body: nobody is left to answer, and it is not our failure.
      this.#options.logger.warn(
        `HTTP ${request.method} ${loggablePath(request.url)} failed: ${describeError(failure)}`
      )
      return
    }
    let posted: readonly PostedValues[]
    try {
      posted = kind === 'attributes' ? [attributesPayload(body)] : telemetryPayload(body)
    } catch (failure) {
      if (!(failure instanceof PayloadError)) throw failure
      this.#options.metrics?.ingest.invalidPayload('http')
      return this.#reply(response, 400, error(`body ${failure.message}`))
    }
    // While a node asks to wait, new requests are turned away rather than queued.
    if (this.#acceptor.pushingBack())
      return this.#reply(response, 503, error('busy: the chain is full, retry later'), { 'retry-after': '1' })
    const msgs = deviceMessages({
      device,
      api: kind === 'attributes' ? 'attributes' : 'telemetry',
      posted,
      now: Date.now()
    })
    let accepted
    try {
      accepted = this.#acceptor.accept(msgs)
    } catch (failure) {
      return this.#reply(response, 503, error(`not accepting messages: ${(failure as Error).message}`), {
        'retry-after': '1'
      })
    }
    try {
      await accepted
    } catch (failure) {
      const why =
        failure instanceof SpoolFullError
          ? `busy: ${failure.message}, retry later`
          : `not accepting messages: ${(failure as Error).message}`
      return this.#reply(response, 503, error(why), { 'retry-after': '1' })
    }
    if (this.#closing) this.#reply(response, 200)
    else answerAccepted(response)
  }

  async #metrics(response: ServerResponse): Promise<void> {
    const metrics = this.#options.metrics
    if (metrics === undefined) return this.#reply(response, 404, error('metrics are off'))
    const text = await metrics.text()
    response.writeHead(200, {
      'content-type': metrics.registry.contentType,
      ...(this.#closing ? { connection: 'close' } : {})
    })
    response.end(text)
  }

  #health(response: ServerResponse): void {
    const reports = this.#options.chain.health()
    const failing = reports.filter((r) => !r.ok)
    const group = this.#options.group?.membership()
    if (group === undefined) {
      if (failing.length === 0) return this.#reply(response, 200, 'ok\n')
      return this.#reply(response, 503, JSON.stringify({ status: 'unhealthy', nodes: reports }))
    }
    // A member without a member id is not in the group (yet, or any more): it takes no records.
    const healthy = failing.length === 0 && group.memberId !== null
    this.#reply(
      response,
      healthy ? 200 : 503,
      JSON.stringify({ status: healthy ? 'ok' : 'unhealthy', nodes: reports, group })
    )
  }

  /** Answers; once the front is closing, every answer also ends its connection. */
  #reply(response: ServerResponse, status: number, body = '', headers: Record<string, string> = {}): void {
    reply(response, status, body, this.#closing ? { ...headers, connection: 'close' } : headers)
  }
}
