import { test } from 'node:test'
import assert from 'node:assert/strict'
import { translateTbel } from '../../../src/script/tbel/translate.js'

test('TBEL that reads as JavaScript is kept; Java declarations, number suffixes and length() are written the JavaScript way', () => {
  assert.equal(translateTbel('return msg.temperature > 20;'), 'return msg.temperature > 20;')
  assert.equal(
    translateTbel(
      'int n = 0;\nfor (int i = 0; i < msg.list.size(); i++) {\n  n = n + 10L + 1.5f;\n}\nreturn n;'
    ),
    'var n = 0;\nfor (var i = 0; i < msg.list.size(); i++) {\n  n = n + 10 + 1.5;\n}\nreturn n;'
  )
  assert.equal(
    translateTbel('String s = msg.name;\nreturn s.length();'),
    'var s = msg.name;\nreturn s.length;'
  )
})

test('MVEL foreach (and for with a colon) becomes for-of over what __tbelIter walks', () => {
  assert.equal(
    translateTbel(
      'var s = 0;\nforeach (x : msg.list) {\n  s = s + x;\n}\nfor (String k : msg.keys()) { s = s + k; }\nreturn s;'
    ),
    'var s = 0;\nfor (var x of __tbelIter( msg.list)) {\n  s = s + x;\n}\nfor ( var k of __tbelIter( msg.keys())) { s = s + k; }\nreturn s;'
  )
})

test("== and != become calls of MVEL's equality, operands found by precedence", () => {
  assert.equal(
    translateTbel(
      'var a = 1;\nif (msg.a == msg.b && msg.t != 3 || msg.get(1) == [1]) {\n  return msgType == "T" ? a + 1 == 2 : !a == msg.c;\n}\nmsg.t > 20 == true'
    ),
    'var a = 1;\nif (__tbelEq(msg.a , msg.b) && !__tbelEq(msg.t , 3) || __tbelEq(msg.get(1) , [1])) {\n  return __tbelEq(msgType , "T") ? __tbelEq(a + 1 , 2) : __tbelEq(!a , msg.c);\n}\nreturn __tbelEq(msg.t > 20 , true)'
  )
})

test("a script that ends in an expression returns it, as MVEL's value is its last statement's", () => {
  assert.equal(translateTbel('msg.temperature > 20'), 'return msg.temperature > 20')
  assert.equal(translateTbel('var a = 2;\na + 1;'), 'var a = 2;\nreturn a + 1;')
  assert.equal(
    translateTbel('metadata.unit = "F";\n{msg: msg, metadata: metadata, msgType: msgType}'),
    'metadata.unit = "F";\nreturn {msg: msg, metadata: metadata, msgType: msgType}'
  )
  assert.equal(translateTbel('if (msg.a) {\n  return 1;\n}'), 'if (msg.a) {\n  return 1;\n}')
  assert.equal(translateTbel('function f(x) { return x; }'), 'function f(x) { return x; }')
})

test('a construct that cannot run as in ThingsBoard is refused with its line and what it is', () => {
  const rows: [string, string][] = [
    [
      'def f(x) { x * 2 }\nreturn f(1);',
      'TBEL line 1: MVEL def functions are not supported here; use function name(args) { ... }'
    ],
    ['return new java.util.Date();', 'TBEL line 1: creating Java objects (new ...) is not supported here'],
    ['var a = 1;\n\nreturn msg.property !== undefined;', 'TBEL line 3: !== is not TBEL; use !='],
    ['return msg.?a.b;', 'TBEL line 1: MVEL null-safe navigation (.?) is not supported here'],
    ['return msg.list.size;', 'TBEL line 1: write .size() with parentheses here'],
    ['return msg.name.split(",");', 'TBEL line 1: the method .split() is not supported here'],
    ['return parseHexToLong("FF");', 'TBEL line 1: the TBEL function parseHexToLong() is not supported here'],
    ['return doIt(1);', 'TBEL line 1: unknown function doIt()'],
    ['return Object.keys(msg);', 'TBEL line 1: unknown name Object'],
    ['return 1.5B;', 'TBEL line 1: the number literal 1.5B is not supported here'],
    ['var r = /ab+/;', 'TBEL line 1: regular expressions are not TBEL'],
    ['return "open;', 'TBEL line 1: the string is not closed on its line'],
    ['return msg.a == empty;', 'TBEL line 1: MVEL empty literals are not supported here']
  ]
  for (const [source, message] of rows)
    assert.throws(() => translateTbel(source), { name: 'ScriptError', message }, source)
})
