import { test } from 'node:test'
import assert from 'node:assert/strict'
import { RuleNodeScript } from '../../../src/script/rule-node-script.js'

// Each row's expected value is what ThingsBoard's own TBEL tests (TbelInvokeDocsIoTest) expect.
function tbel(source: string, data = '{}'): unknown {
  const script = RuleNodeScript.compile({ lang: 'TBEL', source, timeoutMs: 500 })
  return script.run({ data, metadata: { c: '25' }, type: 'POST_TELEMETRY_REQUEST' })
}

test('number helpers: toFixed and toInt round half up on the decimal digits; parseInt reads decimal and hex', () => {
  assert.deepEqual(
    tbel('return {a: toFixed(0.345, 1), b: toFixed(0.345, 2), c: toInt(0.3), d: toInt(0.5), e: toInt(2.7)};'),
    {
      a: 0.3,
      b: 0.35,
      c: 0,
      d: 1,
      e: 3
    }
  )
  assert.deepEqual(
    tbel(
      'return [parseInt("0"), parseInt("473"), parseInt("+42"), parseInt("-0", 10), parseInt("-0xFF"), parseInt("-FF", 16), parseInt("2147483647", 10), parseInt("-2147483648", 10)];'
    ),
    [0, 473, 42, 0, -255, -255, 2147483647, -2147483648]
  )
  assert.deepEqual(
    tbel('return [parseFloat("1.5"), parseDouble("-2.25"), parseInt(""), isNaN(0.0 / 0.0), isNaN(1)];'),
    [1.5, -2.25, null, true, false]
  )
  assert.throws(() => tbel('return parseInt("2147483648", 10);'), {
    message: 'Error: For input string: "2147483648" (line 1)'
  })
})

test('text and byte helpers: btoa/atob, stringToBytes/bytesToString, hex, URIs, padding', () => {
  assert.deepEqual(
    tbel('var e = btoa(msg.str); return {btoa: e, atob: atob(e)};', '{"str":"Hello, world"}'),
    {
      btoa: 'SGVsbG8sIHdvcmxk',
      atob: 'Hello, world'
    }
  )
  assert.deepEqual(
    tbel('return stringToBytes(atob("eyJoZWxsbyI6ICJ3b3JsZCJ9"));'),
    [123, 34, 104, 101, 108, 108, 111, 34, 58, 32, 34, 119, 111, 114, 108, 100, 34, 125]
  )
  assert.deepEqual(tbel('return stringToBytes("é€", "UTF8");'), [-61, -87, -30, -126, -84])
  assert.equal(tbel('return bytesToString([0x48,0x45,0x4C,0x4C,0x4F]);'), 'HELLO')
  assert.deepEqual(tbel('return [bytesToHex([1, -1, 171]), hexToBytes("0AFF")];'), ['01FFAB', [10, -1]])
  const original = "-_.!~*'();/?:@&=+$,#ht://example.ж д a/path with spaces/?param1=Київ 1&param2=Україна2"
  const encoded =
    "-_.!~*'();/?:@&=+$,#ht://example.%D0%B6%20%D0%B4%20a/path%20with%20spaces/?param1=%D0%9A%D0%B8%D1%97%D0%B2%201&param2=%D0%A3%D0%BA%D1%80%D0%B0%D1%97%D0%BD%D0%B02"
  assert.deepEqual(
    tbel('return [encodeURI(msg.o), decodeURI(msg.e)];', JSON.stringify({ o: original, e: encoded })),
    [encoded, original]
  )
  assert.deepEqual(
    tbel(
      'var n = "203439900FFCD5581"; return [padStart("010011", 8, "0"), padStart("1001010011", 16, "*"), padStart(n.substring(11), n.length(), "*")];'
    ),
    ['00010011', '******1001010011', '***********CD5581']
  )
})

test('map and list methods of TBEL: put, get, containsKey, remove, size, add, contains; a missing key reads null', () => {
  assert.deepEqual(
    tbel(
      'var old = msg.put("temperature", 74);\nmsg.putIfAbsent("humidity", 73);\nvar l = msg.list;\nl.add("C");\nl.remove(0);\nreturn {old: old, has: msg.containsKey("humidity"), size: msg.size(), list: l, listSize: l.size(), hasB: l.contains("B"), missing: msg.nope, get: msg.get("nope")};',
      '{"temperature": 42, "list": ["A", "B"]}'
    ),
    { old: 42, has: true, size: 3, list: ['B', 'C'], listSize: 2, hasB: true, missing: null, get: null }
  )
  assert.equal(tbel('return "" + [1, "a"] + " " + {k: "v"};'), '[1, a] {k=v}')
})

test("foreach walks a list's items, a map's entries, a string's characters and 1..n, as MVEL does", () => {
  assert.deepEqual(
    tbel(
      'var items = "";\nforeach (item : msg.list) { items += item; }\nvar entries = "";\nforeach (e : msg.entrySet()) { entries = entries + e.getKey() + "=" + e.value + ";"; }\nvar n = 0;\nforeach (i : 4) { n = n + i; }\nvar chars = [];\nforeach (c : "ab") { chars.add(c); }\nreturn {items: items, entries: entries, n: n, chars: chars};',
      '{"temperature": 42, "nested": "508", "list": ["A", "B"]}'
    ),
    { items: 'AB', entries: 'temperature=42;nested=508;list=[A, B];', n: 10, chars: ['a', 'b'] }
  )
})

test('== compares as MVEL: numbers and numeric text by value, maps and lists by contents, null only to null', () => {
  assert.deepEqual(
    tbel(
      'return [msg.a == msg.b, msg.l == [1, 2], msg.l != [2, 1], msg.n == 5, metadata.c == msg.t, msg.nope == null, msg.a == null, "x" == "x", "x" == "y"];',
      '{"a": {"x": 1}, "b": {"x": 1}, "l": [1, 2], "n": "5.0", "t": 25}'
    ),
    [true, true, true, true, true, true, false, true, false]
  )
  assert.throws(() => tbel('return msg.t == true;', '{"t": 1}'), {
    message: 'Error: == between a number and a boolean is not supported here (line 1)'
  })
})

test('raiseError fails the call with its message and line', () => {
  assert.throws(
    () => tbel('if (msg.t > 50) {\n  raiseError("too hot: " + msg.t);\n}\nreturn true;', '{"t":60}'),
    {
      name: 'ScriptError',
      message: 'Error: too hot: 60 (line 2)'
    }
  )
})
