import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ConfigError } from '../../../src/errors.js'
import { producerSettings } from '../../../src/kafka/producer/producer-properties.js'
import { testCertificate } from '../../helpers/tls.js'

const BASE = {
  bootstrapServers: ['localhost:9093'],
  retries: 0,
  batchSizeBytes: 16384,
  lingerMs: 0,
  bufferMemoryBytes: 33554432,
  acks: -1
} as const

const { cert, key } = testCertificate()
const ssl = { 'security.protocol': 'SSL', 'ssl.truststore.type': 'PEM', 'ssl.keystore.type': 'PEM' }

const NOT_PEM: { name: string; properties: Record<string, string>; error: RegExp }[] = [
  {
    name: 'a trust store with no certificate',
    properties: { ...ssl, 'ssl.truststore.certificates': 'not a certificate' },
    error:
      /^otherProperties\.ssl\.truststore\.certificates holds no PEM certificate \(-----BEGIN CERTIFICATE----- \.\.\. -----END CERTIFICATE-----\)$/
  },
  {
    name: 'a trust store whose second certificate is cut short',
    properties: { ...ssl, 'ssl.truststore.certificates': cert + cert.replace(/\n[A-Za-z0-9+/]{20}/, '\n') },
    error: /^otherProperties\.ssl\.truststore\.certificates certificate 2 is not valid PEM \(.+\)$/
  },
  {
    name: 'a certificate chain that is not PEM',
    properties: { ...ssl, 'ssl.keystore.certificate.chain': 'garbage', 'ssl.keystore.key': key },
    error: /^otherProperties\.ssl\.keystore\.certificate\.chain holds no PEM certificate/
  },
  {
    name: 'a key that is not PEM',
    properties: { ...ssl, 'ssl.keystore.certificate.chain': cert, 'ssl.keystore.key': 'secret-but-broken' },
    error: /^otherProperties\.ssl\.keystore\.key is not a PEM private key the node can read \(.+\)$/
  }
]

for (const row of NOT_PEM) {
  test(`${row.name} is a load error naming the property`, () => {
    assert.throws(
      () => producerSettings(BASE, row.properties, () => {}),
      (error: Error) => {
        assert.ok(error instanceof ConfigError)
        assert.match(error.message, row.error)
        assert.ok(!error.message.includes('secret-but-broken'), error.message)
        return true
      }
    )
  })
}

test('valid PEM trust store, chain and key load as given', () => {
  const settings = producerSettings(
    BASE,
    {
      ...ssl,
      'ssl.truststore.certificates': cert + cert,
      'ssl.keystore.certificate.chain': cert,
      'ssl.keystore.key': key
    },
    () => {}
  )
  assert.deepEqual(settings.tls, { ca: cert + cert, cert, key, verifyHostname: true })
})
