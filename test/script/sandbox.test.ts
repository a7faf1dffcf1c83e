import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ScriptError } from '../../src/errors.js'
import { ScriptSandbox } from '../../src/script/sandbox.js'

function sandbox(body: string, timeoutMs = 200): ScriptSandbox {
  return ScriptSandbox.compile({ body, argNames: ['msg', 'metadata', 'msgType'], timeoutMs })
}

function run(body: string, data = '{"temperature":25}'): string | undefined {
  return sandbox(body).invoke(data, '{"deviceName":"T1"}', 'POST_TELEMETRY_REQUEST')
}

function failure(body: string, data = '{}'): string {
  try {
    run(body, data)
  } catch (error) {
    assert.ok(error instanceof ScriptError, String(error))
    return error.message
  }
  assert.fail('the script did not fail')
}

test('a script is the body of a function of the parsed data, the metadata object and the type', () => {
  assert.equal(
    run('return [msg.temperature, metadata.deviceName, msgType];'),
    '[25,"T1","POST_TELEMETRY_REQUEST"]'
  )
  // ThingsBoard's wrapper also leaves the raw strings in scope.
  assert.equal(
    run('return msgStr + "|" + metadataStr;'),
    '"{\\"temperature\\":25}|{\\"deviceName\\":\\"T1\\"}"'
  )
  assert.equal(run('var x = 1;'), undefined)
})

test('the generator names its arguments prevMsg, prevMetadata, prevMsgType', () => {
  const script = ScriptSandbox.compile({
    body: 'return prevMsg.n + prevMetadata.k + prevMsgType;',
    argNames: ['prevMsg', 'prevMetadata', 'prevMsgType'],
    timeoutMs: 200
  })
  assert.equal(script.invoke('{"n":1}', '{"k":"2"}', 'T'), '"12T"')
})

test('escapes to the host fail: constructor chains reach only the sandbox, which makes no code from strings and has no process, require, timers or host globals', () => {
  const noCodegen = 'EvalError: Code generation from strings disallowed for this context (line 1)'
  assert.equal(failure('return this.constructor.constructor("return process")();'), noCodegen)
  assert.equal(failure('return msg.constructor.constructor("return process")();'), noCodegen)
  assert.equal(
    failure('return Object.getPrototypeOf(function () {}).constructor("return require")();'),
    noCodegen
  )
  assert.equal(failure('return eval("1");'), 'ReferenceError: eval is not defined (line 1)')
  assert.equal(
    run(
      'return [typeof require, typeof process, typeof setTimeout, typeof setInterval, typeof fetch, typeof Buffer, typeof module, typeof globalThis.process, typeof Promise, typeof WebAssembly];'
    ),
    '["undefined","undefined","undefined","undefined","undefined","undefined","undefined","undefined","undefined","undefined"]'
  )
})

test('async functions and await are refused when the script loads: no promise job may outlive a call', () => {
  assert.throws(() => sandbox('var f = async function () {};\nreturn 1;'), {
    name: 'ScriptError',
    message: 'line 1: async is not supported here (scripts run synchronously)'
  })
  assert.throws(() => sandbox('return 1;\n// ok\nawait x;'), {
    message: 'line 3: await is not supported here (scripts run synchronously)'
  })
})

test('a script error fails with its class, message and line', () => {
  assert.equal(
    failure('var a = 1;\nreturn msg.nested.value;'),
    "TypeError: Cannot read properties of undefined (reading 'value') (line 2)"
  )
  assert.equal(failure('throw "boom";'), 'Error: boom')
  assert.equal(failure('\nthrow new Error("two\\nlines");'), 'Error: two\nlines (line 2)')
  assert.equal(failure('throw new RangeError("too hot");'), 'RangeError: too hot (line 1)')
})

test('data that is not JSON fails the call, as JSON.parse does in ThingsBoard', () => {
  assert.equal(
    failure('return 1;', 'hello'),
    'SyntaxError: Unexpected token \'h\', "hello" is not valid JSON'
  )
  assert.equal(failure('return 1;', ''), 'SyntaxError: Unexpected end of JSON input')
})

test('a script that runs too long fails with the limit, and the next call runs', () => {
  const script = sandbox('if (msg.loop) { while (true) {} } return 1;', 100)
  assert.throws(() => script.invoke('{"loop":true}', '{}', 'T'), {
    name: 'ScriptError',
    message: 'script execution timed out after 100 ms'
  })
  assert.equal(script.invoke('{"loop":false}', '{}', 'T'), '1')
})

test('a syntax error is a compile error naming its line', () => {
  assert.throws(() => sandbox('var a = 1;\n\nreturn a +;'), {
    name: 'ScriptError',
    message: "SyntaxError: Unexpected token ';' (line 3)"
  })
})

test('a body that closes the function early cannot reach the host either', () => {
  assert.throws(() => sandbox('}}); while (true) {} (function () {{'), { name: 'ScriptError' })
})

test('globals a call creates are gone in the next call, as in a fresh context per call', () => {
  const script = sandbox('if (typeof counter === "undefined") counter = 0; counter++; return counter;')
  assert.equal(script.invoke('{}', '{}', 'T'), '1')
  assert.equal(script.invoke('{}', '{}', 'T'), '1')
})

test("ThingsBoard's size limits: 50000 symbols of body, 300000 of result", () => {
  assert.throws(() => sandbox(`return '${'a'.repeat(50_000)}';`), {
    message: 'script body exceeds maximum allowed size of 50000 symbols (50010)'
  })
  assert.equal(
    failure('var s = "a"; while (s.length < 300000) s += s; return s;'),
    'script invocation result exceeds maximum allowed size of 300000 symbols'
  )
})
