import type { AddressInfo, Server } from 'node:net'
import { ServiceError } from '../errors.js'

// What the usual bind failures mean to whoever started the service (errno names as in listen(2)).
const LISTEN_FAILURES: Readonly<Record<string, string>> = {
  EADDRINUSE: 'the address is in use',
  EACCES: 'permission denied (ports below 1024 need privileges)',
  EADDRNOTAVAIL: 'the host is not an address of this machine'
}

/** Starts `server` listening; resolves with the bound address, or rejects with a ServiceError naming it. */
export async function listenOn(server: Server, port: number, host: string): Promise<AddressInfo> {
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, host, () => {
        server.off('error', reject)
        resolve()
      })
    })
  } catch (failure) {
    const code = (failure as NodeJS.ErrnoException).code ?? ''
    const reason = LISTEN_FAILURES[code] ?? (failure as Error).message
    throw new ServiceError(`cannot listen on ${host}:${port}, ${reason}${code === '' ? '' : ` (${code})`}`, {
      cause: failure
    })
  }
  return server.address() as AddressInfo
}
