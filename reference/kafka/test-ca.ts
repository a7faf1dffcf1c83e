import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** A test certificate authority with a broker certificate and a client certificate it signed. */
export interface TestCa {
  /** PEM file of the CA certificate: the trust store of brokers and clients. */
  readonly caPath: string
  readonly ca: string
  /** PEM file holding the broker's private key (PKCS#8) and certificate, Kafka's PEM key store. */
  readonly brokerKeyStorePath: string
  readonly clientCert: string
  readonly clientKey: string
  readonly clientCertPath: string
  readonly clientKeyPath: string
}

const openssl = (args: readonly string[], cwd: string): void => {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] })
}

/** Signs a key pair `name` with the CA in `dir`; `san` names the hosts it is valid for. */
function issue(dir: string, name: string, subject: string, san: string | undefined): void {
  openssl(
    [
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      subject,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`
    ],
    dir
  )
  const extensions = san === undefined ? [] : ['-extfile', `${name}.ext`]
  if (san !== undefined) writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${san}\n`)
  openssl(
    [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '7',
      '-out',
      `${name}.pem`,
      ...extensions
    ],
    dir
  )
}

/** Makes the CA and its two certificates in `dir` with openssl, or reuses the ones already there. */
export function testCa(dir: string): TestCa {
  const at = (file: string): string => join(dir, file)
  if (!existsSync(at('client.pem'))) {
    openssl(
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '7',
        '-subj',
        '/CN=kafka-rule-node test CA',
        '-keyout',
        'ca.key',
        '-out',
        'ca.pem'
      ],
      dir
    )
    issue(dir, 'broker', '/CN=localhost', 'DNS:localhost,IP:127.0.0.1')
    issue(dir, 'client', '/CN=kafka-rule-node test client', undefined)
    // Kafka's PEM key store wants the key and its certificate chain in one file.
    writeFileSync(
      at('broker-keystore.pem'),
      readFileSync(at('broker.key'), 'utf8') + readFileSync(at('broker.pem'), 'utf8')
    )
  }
  return {
    caPath: at('ca.pem'),
    ca: readFileSync(at('ca.pem'), 'utf8'),
    brokerKeyStorePath: at('broker-keystore.pem'),
    clientCert: readFileSync(at('client.pem'), 'utf8'),
    clientKey: readFileSync(at('client.key'), 'utf8'),
    clientCertPath: at('client.pem'),
    clientKeyPath: at('client.key')
  }
}
