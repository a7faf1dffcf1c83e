import type { TestContext } from 'node:test'
import { connect, type Socket } from 'node:net'
import type { Api } from '../../src/broker/apis/api.js'
import { Reader } from '../../src/broker/protocol/reader.js'
import { decode, encode, type Struct } from '../../src/broker/protocol/schema.js'
import { Writer } from '../../src/broker/protocol/writer.js'

/** What came back for one request: a frame, or the broker closed the connection instead. */
export type RawAnswer = { readonly frame: Buffer } | { readonly closed: true }

const API_VERSIONS_KEY = 18

/**
 * One plain TCP connection that sends hand-made requests, so that tests can put to a broker what a
 * well-behaved client never sends (bad CRCs, unknown versions, acks=2). Requests and responses are
 * encoded with the development broker's schemas; against Apache Kafka that is an independent check
 * of those schemas too.
 */
export class RawConnection {
  readonly #socket: Socket
  #buffered = Buffer.alloc(0)
  #waiting: ((answer: RawAnswer) => void)[] = []
  #closed = false
  #correlationId = 1

  private constructor(socket: Socket) {
    this.#socket = socket
    socket.on('data', (chunk: Buffer) => this.#onData(chunk))
    socket.on('error', () => undefined)
    socket.on('close', () => {
      this.#closed = true
      for (const wake of this.#waiting.splice(0)) wake({ closed: true })
    })
  }

  /** Opens a connection to `host:port`; the test closes it. */
  static async open(t: TestContext, bootstrap: string): Promise<RawConnection> {
    const [host = '127.0.0.1', port = '9092'] = (bootstrap.split(',')[0] ?? '').split(':')
    const socket = connect(Number(port), host)
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve)
      socket.once('error', reject)
    })
    const connection = new RawConnection(socket)
    t.after(() => socket.destroy())
    return connection
  }

  /** Whether the broker closed the connection. */
  get closed(): boolean {
    return this.#closed
  }

  /** Sends `body` (already encoded) as a request of `apiKey` v`version`; resolves with the answer frame (after the correlation id). */
  send(apiKey: number, version: number, flexible: boolean, body: Buffer): Promise<RawAnswer> {
    const header = new Writer(64)
      .int16(apiKey)
      .int16(version)
      .int32(this.#correlationId++)
      .string('parity-test', false)
    if (flexible) header.uvarint(0)
    const head = header.finish()
    const size = Buffer.alloc(4)
    size.writeInt32BE(head.length + body.length)
    const answer = new Promise<RawAnswer>((resolve) => {
      if (this.#closed) resolve({ closed: true })
      else this.#waiting.push(resolve)
    })
    this.#socket.write(Buffer.concat([size, head, body]))
    return answer
  }

  /** Sends `request` to `api` v`version` and decodes the response; throws when the broker closed the connection. */
  async request(api: Api, version: number, request: Struct): Promise<Struct> {
    const flexible = version >= api.flexibleFrom
    const body = new Writer(256)
    encode(body, api.request, version, flexible, request)
    const answer = await this.send(api.key, version, flexible, body.finish())
    if ('closed' in answer)
      throw new Error(`the broker closed the connection instead of answering ${api.name} v${version}`)
    return decodeResponse(api, version, answer.frame)
  }

  #onData(chunk: Buffer): void {
    this.#buffered = Buffer.concat([this.#buffered, chunk])
    while (this.#buffered.length >= 4) {
      const size = this.#buffered.readInt32BE(0)
      if (this.#buffered.length < 4 + size) return
      // Skip the correlation id: requests are answered in order.
      const frame = this.#buffered.subarray(8, 4 + size)
      this.#buffered = this.#buffered.subarray(4 + size)
      this.#waiting.shift()?.({ frame })
    }
  }
}

/** Decodes a response frame (after the correlation id) of `api` v`version`. */
export function decodeResponse(api: Api, version: number, frame: Buffer): Struct {
  const flexible = version >= api.flexibleFrom
  const reader = new Reader(frame)
  // KIP-511: ApiVersions responses keep header v0 (no tag buffer) in every version.
  if (flexible && api.key !== API_VERSIONS_KEY) reader.skipTags()
  return decode(reader, api.response, version, flexible)
}
