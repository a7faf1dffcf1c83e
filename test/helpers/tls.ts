import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execFileSync } from 'node:child_process'

/** A self-signed certificate for localhost and 127.0.0.1, as PEM text and files. */
export interface TestCertificate {
  readonly cert: string
  readonly key: string
  readonly certPath: string
}

let cached: TestCertificate | undefined

/** Makes (once per process) a self-signed certificate with openssl. */
export function testCertificate(): TestCertificate {
  if (cached !== undefined) return cached
  const dir = mkdtempSync(join(tmpdir(), 'krn-tls-'))
  const certPath = join(dir, 'cert.pem')
  const keyPath = join(dir, 'key.pem')
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      keyPath,
      '-out',
      certPath
    ],
    { stdio: 'ignore' }
  )
  cached = { cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8'), certPath }
  return cached
}
