import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseJavaProperties } from '../../src/cli/java-properties.js'

// Cases from the grammar of java.util.Properties.load, as Kafka's --consumer.config files use it.
const CASES: { name: string; text: string; entries: [string, string, number][] }[] = [
  {
    name: 'key=value, key: value and key value, white space around the separator dropped',
    text: 'a=1\nb: 2\nc 3\n  d =  4  \ne\t=\tfive',
    entries: [
      ['a', '1', 1],
      ['b', '2', 2],
      ['c', '3', 3],
      ['d', '4  ', 4],
      ['e', 'five', 5]
    ]
  },
  {
    name: 'comments (# and !) and blank lines are skipped; a # inside a value is kept',
    text: '# comment\n! also\n\n   \nurl=http://h:1/#frag',
    entries: [['url', 'http://h:1/#frag', 5]]
  },
  {
    name: 'a line ending in a backslash goes on, its next line without leading white space',
    text: 'sasl.jaas.config=org.example.Login required \\\n    username="u" \\\n    password="p";\nnext=1',
    entries: [
      ['sasl.jaas.config', 'org.example.Login required username="u" password="p";', 1],
      ['next', '1', 4]
    ]
  },
  {
    name: 'an even number of backslashes at the end is an escaped backslash, not a continuation',
    text: 'path=C:\\\\dir\\\\\nnext=1',
    entries: [
      ['path', 'C:\\dir\\', 1],
      ['next', '1', 2]
    ]
  },
  {
    name: 'escapes: \\t \\n \\uXXXX, an escaped separator in the key, any other escaped character as itself',
    text: 'k\\=ey\\:x=a\\tb\\nc\\u00e9\\q',
    entries: [['k=ey:x', 'a\tb\nc\u00e9q', 1]]
  },
  {
    name: 'a key without a value, CRLF line ends, the same key twice (both kept in order: the last wins)',
    text: 'empty\r\nk=1\r\nk=2\r\n',
    entries: [
      ['empty', '', 1],
      ['k', '1', 2],
      ['k', '2', 3]
    ]
  }
]

for (const { name, text, entries } of CASES) {
  test(`.properties: ${name}`, () => {
    assert.deepEqual(
      parseJavaProperties(text).map((e) => [e.key, e.value, e.line]),
      entries
    )
  })
}
