import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { javaDoubleToString } from '../../src/msg/java-double.js'
import { seededRandom } from '../helpers/random.js'

// The oracle is Java 17 itself (what ThingsBoard runs on): a small program compiled with javac
// prints Double.toString for each double it reads as raw bits.
const ORACLE = `
import java.io.*;
public class DoubleOracle {
  public static void main(String[] args) throws IOException {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
    StringBuilder out = new StringBuilder();
    for (String line; (line = in.readLine()) != null; ) {
      out.append(Double.toString(Double.longBitsToDouble(Long.parseUnsignedLong(line, 16)))).append('\\n');
    }
    System.out.print(out);
  }
}
`

function javaToStrings(values: readonly number[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'krn-double-'))
  try {
    writeFileSync(join(dir, 'DoubleOracle.java'), ORACLE)
    execFileSync('javac', ['DoubleOracle.java'], { cwd: dir })
    const view = new DataView(new ArrayBuffer(8))
    const input = values
      .map((v) => {
        view.setFloat64(0, v)
        return view.getBigUint64(0).toString(16)
      })
      .join('\n')
    const output = execFileSync('java', ['-cp', dir, 'DoubleOracle'], { input, maxBuffer: 64 << 20 })
    return output.toString('utf8').trimEnd().split('\n')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Doubles where Java 17 and the shortest form part ways, and a spread of everything else. */
function samples(): number[] {
  const random = seededRandom(0xd0b1e)
  const view = new DataView(new ArrayBuffer(8))
  const randomBits = (): number => {
    view.setUint32(0, Math.floor(random() * 2 ** 32))
    view.setUint32(4, Math.floor(random() * 2 ** 32))
    return view.getFloat64(0)
  }
  const values: number[] = [
    0, -0, 1, -1, 0.1, 1.5, 20, 1000, 1e7, 1e-3, 9.999e-4, 12345678.9, 5e-324, 2.2250738585072014e-308
  ]
  values.push(Number.MAX_VALUE, Number.MIN_VALUE, 2 ** 53, 2 ** 53 + 2, 2 ** 63, 2 ** 62 + 2 ** 10)
  for (let e = -1074; e < 1024; e += 3) values.push(2 ** e, 2 ** e * (1 + 2 ** -52))
  for (let e = -320; e < 308; e += 7) values.push(Number(`1e${e}`), Number(`5e${e}`), Number(`9.99e${e}`))
  for (let i = 0; i < 4000; i++) {
    const bits = randomBits()
    if (Number.isFinite(bits)) values.push(bits)
    values.push((random() - 0.5) * 10 ** Math.floor(random() * 40 - 20))
    values.push(Math.floor(random() * 2 ** 62) * (random() < 0.5 ? 1 : -1)) // whole numbers: Java's long path
    values.push(Math.floor(random() * 1e6) / 10 ** Math.floor(random() * 7)) // what sensors send
    values.push(Math.floor(random() * 2 ** 52) * 2 ** -1074) // subnormals
  }
  return values
}

test("prints every double as Java 17's Double.toString does", () => {
  const values = samples()
  const expected = javaToStrings(values)
  assert.equal(expected.length, values.length)
  const wrong = values
    .map((value, i) => ({ value, java: expected[i], ours: javaDoubleToString(value) }))
    .filter((row) => row.java !== row.ours)
  assert.deepEqual(wrong.slice(0, 10), [])
  assert.ok(values.length > 20_000)
})

test('prints the values ThingsBoard users meet as Java does', () => {
  const rows: [number, string][] = [
    [1.5, '1.5'],
    [1000, '1000.0'],
    [20, '20.0'],
    [12345678.9, '1.23456789E7'],
    [0.001, '0.001'],
    [0.0001, '1.0E-4'],
    [-0, '-0.0'],
    [1e21, '1.0E21'],
    [2 ** -1017, '7.1202363472230444E-307'],
    [1959642074231560192, '1.95964207423156019E18'],
    [5e-324, '4.9E-324'],
    [NaN, 'NaN'],
    [-Infinity, '-Infinity']
  ]
  for (const [value, text] of rows) assert.equal(javaDoubleToString(value), text, String(value))
})
