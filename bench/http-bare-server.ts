// The HTTP yardstick: a bare `node:http` server in a process of its own that reads each request's
// body and answers 200 with an empty body, nothing else. `tsx bench/http-bare-server.ts`; prints
// `listening on PORT` on stderr.

import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

const server = createServer((request, response) => {
  const chunks: Buffer[] = []
  request.on('data', (chunk: Buffer) => chunks.push(chunk))
  request.on('end', () => {
    // What any handler does with a body: have it whole.
    Buffer.concat(chunks)
    response.writeHead(200, { 'content-length': 0 })
    response.end()
  })
})
server.listen(0, '127.0.0.1', () => {
  process.stderr.write(`listening on ${(server.address() as AddressInfo).port}\n`)
})
process.on('SIGTERM', () => {
  server.close()
  server.closeAllConnections()
})
