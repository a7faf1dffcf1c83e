import { test } from 'node:test'
import assert from 'node:assert/strict'
import { runOracle } from '../../reference/oracle/oracle.js'
import { headerEncoding } from '../../src/nodes/kafka/charset.js'
import { JAVA_CHARSETS } from '../../src/nodes/kafka/java-charsets.js'
import { eachBroker } from '../helpers/broker-targets.js'
import { uniqueTopic } from '../helpers/broker.js'
import { kafkaChain } from '../helpers/kafka-chain.js'
import { makeMsg } from '../helpers/messages.js'

// kafkaHeadersCharset against the JVM itself (Java 17, what ThingsBoard runs on): the names it
// takes and refuses, and the bytes of `value.getBytes(Charset.forName(name))` that TbKafkaNode puts
// in each header, for text in many scripts, characters a charset cannot map, emoji and unpaired
// surrogates.

const TEXTS = [
  '',
  'plain ASCII 0123 ~!@#$%^&*()_+{}|:"<>?`-=[]\\;\',./',
  'Grüße aus Zürich, ça va? ñ ß æøå',
  'Łódź, Świętokrzyskie, Győr, Timișoara, Țară, Čeština',
  'Ελληνικά κείμενο',
  'Русский текст, Ёё',
  'Українська: ґ Ґ є ї і',
  'עברית ושלום',
  'العربية',
  'ภาษาไทย',
  'Tiếng Việt có dấu',
  '日本語のテキスト、カタカナ、ｶﾀｶﾅ',
  '한국어 텍스트',
  '简体中文 繁體中文',
  '€ ‰ “quotes” ‘single’ – — … • ™ ©',
  '¥ ‾ \\ ~ ¦ ¬',
  'emoji 😀 👍🏽 𝄞',
  'a\ud800b \udc00 x\ud83d',
  '\t\n\r\u0000\u007f\u0080\u00a0'
]

interface Encoded {
  readonly hex?: string
  readonly name?: string
  readonly aliases?: string[]
  readonly error?: string
}

// Characters beyond the BMP, unpaired surrogates and U+FFFD: the same in every charset.
const EDGES = new Set(['emoji 😀 👍🏽 𝄞', 'a\ud800b \udc00 x\ud83d', '\ufffd replaced'])

test('every charset writes the bytes Java writes, for text in many scripts, unmappable characters and lone surrogates', async () => {
  const cases = JAVA_CHARSETS.flatMap((charset) =>
    [...TEXTS, ...EDGES]
      // A charset whose table differs from Java's somewhere is compared character by character below.
      .filter((text) => (charset.differences ?? 0) === 0 || EDGES.has(text))
      .map((text) => ({ charset: charset.name, text }))
  )
  const java = await runOracle<Encoded>('encode', {}, cases)
  const differ: string[] = []
  cases.forEach(({ charset, text }, i) => {
    const ours = headerEncoding(charset).encode(text).toString('hex')
    const theirs = java[i]?.hex
    if (ours !== theirs)
      differ.push(`${charset} ${JSON.stringify(text)}: ours ${ours}, Java ${theirs ?? java[i]?.error}`)
    else if (headerEncoding(charset).byteLength(text) !== ours.length / 2)
      differ.push(`${charset} ${JSON.stringify(text)}: byteLength`)
  })
  assert.deepEqual(differ, [])
})

test('each charset writes every BMP character as Java does, but for the declared differences', async () => {
  const chars: string[] = []
  for (let c = 0; c < 0x10000; c++) if (c < 0xd800 || c > 0xdfff) chars.push(String.fromCharCode(c))
  const java = await runOracle<{ bmp: string[] }>(
    'encode',
    {},
    JAVA_CHARSETS.map((charset) => ({ charset: charset.name, bmp: true }))
  )
  const counted = JAVA_CHARSETS.map((charset, k) => {
    const encoding = headerEncoding(charset.name)
    const bytes = java[k]?.bmp ?? []
    return [
      charset.name,
      chars.filter((char, i) => encoding.encode(char).toString('hex') !== bytes[i]).length
    ]
  })
  assert.deepEqual(
    counted,
    JAVA_CHARSETS.map((charset) => [charset.name, charset.differences ?? 0])
  )
})

test('every name and alias the node takes is one Java takes, for the same charset, in any case', async () => {
  const names = JAVA_CHARSETS.flatMap((charset) =>
    [charset.name, ...charset.aliases].flatMap((name) => [name, name.toLowerCase(), name.toUpperCase()])
  )
  const java = await runOracle<Encoded>(
    'encode',
    {},
    names.map((charset) => ({ charset }))
  )
  const differ = names.filter((name, i) => headerEncoding(name).charset !== java[i]?.name)
  assert.deepEqual(differ, [])
})

test('a name Java refuses is a load error naming kafkaHeadersCharset and the name', async () => {
  const refused = [
    'ISO-8859-10',
    'ISO-8859-14',
    'EBCDIC-42',
    'x-unknown',
    ' UTF-8',
    'UTF-8 ',
    'latin 1',
    'utf-7'
  ]
  const java = await runOracle<Encoded>(
    'encode',
    {},
    refused.map((charset) => ({ charset }))
  )
  assert.deepEqual(
    java.map((answer) => answer.error?.replace(/:.*/, '')),
    [
      'java.nio.charset.UnsupportedCharsetException',
      'java.nio.charset.UnsupportedCharsetException',
      'java.nio.charset.UnsupportedCharsetException',
      'java.nio.charset.UnsupportedCharsetException',
      'java.nio.charset.IllegalCharsetNameException',
      'java.nio.charset.IllegalCharsetNameException',
      'java.nio.charset.IllegalCharsetNameException',
      'java.nio.charset.UnsupportedCharsetException'
    ]
  )
  for (const name of refused)
    assert.throws(
      () => headerEncoding(name),
      (error: Error & { context?: { field?: string } }) =>
        error.message.startsWith('kafkaHeadersCharset must be one of UTF-8, US-ASCII, ISO-8859-1,') &&
        error.message.endsWith(`(got ${JSON.stringify(name)})`) &&
        error.context?.field === 'kafkaHeadersCharset'
    )
})

eachBroker(
  'headers in windows-1251, KOI8-R, Shift_JIS, GB18030 and UTF-32 reach the broker as the bytes Java writes',
  async (t, target) => {
    const topic = uniqueTopic('charsets-more')
    await target.createTopic(topic, 1)
    const value = 'Привет 日本 😀'
    const charsets = ['windows-1251', 'koi8-r', 'Shift_JIS', 'GB18030', 'UTF-32']
    const java = await runOracle<Encoded>(
      'encode',
      {},
      charsets.map((charset) => ({ charset, text: value }))
    )
    for (const charset of charsets) {
      const node = await kafkaChain(t, {
        topicPattern: topic,
        bootstrapServers: target.bootstrap,
        addMetadataKeyValuesAsKafkaHeaders: true,
        kafkaHeadersCharset: charset
      })
      const [exit] = await node.run([makeMsg({ metadata: { v: value }, data: charset })])
      assert.equal(exit?.relation, 'Success', charset)
    }
    const stored = await target.read(topic, 0)
    assert.deepEqual(
      stored.map((r) => [
        r.value?.toString(),
        r.headers.map(([name, bytes]) => [name, bytes?.toString('hex')])
      ]),
      charsets.map((charset, i) => [charset, [['tb_msg_md_v', java[i]?.hex]]])
    )
  }
)
