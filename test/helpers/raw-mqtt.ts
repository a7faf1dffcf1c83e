import { connect, type Socket } from 'node:net'
import { generate, parser, type Packet } from 'mqtt-packet'

/** A raw MQTT 5 connection, for what a client library hides: every packet the server sends, in order. */
export interface RawMqtt5 {
  send(packet: Packet): void
  /** Resolves with the `count`th packet received (from 1), once it has arrived. */
  next(count: number): Promise<Packet>
  /** Every packet received so far. */
  readonly received: readonly Packet[]
  /** Resolves when the server has closed the connection. */
  readonly closed: Promise<void>
  readonly socket: Socket
}

/** Connects to 127.0.0.1:`port` and sends CONNECT with `username` (the access token); the caller destroys the socket. */
export function rawMqtt5(port: number, username: string, keepalive = 0): RawMqtt5 {
  const socket = connect(port, '127.0.0.1')
  const received: Packet[] = []
  const reader = parser({ protocolVersion: 5 })
  reader.on('packet', (packet) => received.push(packet))
  socket.on('data', (chunk: Buffer) => reader.parse(chunk))
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()))
  const send = (packet: Packet): void => void socket.write(generate(packet, { protocolVersion: 5 }))
  send({
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion: 5,
    clientId: '',
    clean: true,
    keepalive,
    username
  })
  const next = async (count: number): Promise<Packet> => {
    while (received.length < count) await new Promise((resolve) => setTimeout(resolve, 5))
    return received[count - 1] as Packet
  }
  return { send, next, received, closed, socket }
}
