// Hand-built request frames on plain sockets, for tests of how the development broker reads its
// input (frame sizes, garbage, closed connections) below the level RawConnection speaks.
import { connect, type Socket } from 'node:net'

/**
 * An ApiVersions v0 request frame (api key 18, version 0, `correlationId`, client id "t"), padded
 * with zeros to `size` bytes after the size field: the broker reads the header and ignores the rest.
 */
export function apiVersionsRequest(correlationId: number, size = 11): Buffer {
  const frame = Buffer.alloc(4 + size)
  frame.writeInt32BE(size, 0)
  frame.writeInt16BE(18, 4)
  frame.writeInt16BE(0, 6)
  frame.writeInt32BE(correlationId, 8)
  frame.writeInt16BE(1, 12)
  frame.write('t', 14)
  return frame
}

/** A plain TCP connection to 127.0.0.1:`port`; the caller destroys it. */
export function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket))
    socket.on('error', reject)
  })
}

/** Sends bytes and resolves with the first complete response frame, or null when the broker closes. */
export function exchange(socket: Socket, bytes: Buffer): Promise<Buffer | null> {
  return new Promise((resolve) => {
    let data = Buffer.alloc(0)
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk])
      if (data.length >= 4 && data.length >= 4 + data.readInt32BE(0))
        resolve(data.subarray(4, 4 + data.readInt32BE(0)))
    })
    socket.on('close', () => resolve(null))
    socket.on('error', () => resolve(null))
    socket.write(bytes)
  })
}
