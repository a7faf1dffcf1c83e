import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execFileSync } from 'node:child_process'

/** A self-signed certificate (by default for localhost and 127.0.0.1), as PEM text and files. */
export interface TestCertificate {
  readonly cert: string
  readonly key: string
  readonly certPath: string
}

const cached = new Map<string, TestCertificate>()

/** Makes (once per process) a self-signed certificate with openssl, for `altNames` (openssl's subjectAltName syntax). */
export function testCertificate(altNames = 'DNS:localhost,IP:127.0.0.1'): TestCertificate {
  const known = cached.get(altNames)
  if (known !== undefined) return known
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
      `subjectAltName=${altNames}`,
      '-keyout',
      keyPath,
      '-out',
      certPath
    ],
    { stdio: 'ignore' }
  )
  const made = { cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8'), certPath }
  cached.set(altNames, made)
  return made
}
