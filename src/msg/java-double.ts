// Java 17's Double.toString, which is how ThingsBoard's Jackson prints a decimal number.
//
// Java 17's FloatingDecimal does not always give the shortest digits that read back to the same
// double (what JavaScript's Number#toExponential gives); JDK 19 replaced it (JDK-4511638), but
// ThingsBoard runs on 17. What it does, and what this file follows step by step, is this:
// - a whole number below 2^63 is printed from its exact integer value, rounded half-up at a number
//   of low digits taken from its binary exponent (1.95964207423156019E18, not ...602E18);
// - any other value is printed by generating digits of b/s until the remainder is within a margin
//   m of either end (Steele and White's method), where m is half a unit in the last place, but a
//   quarter of one at an exact power of two (on both sides, so more digits than needed: Java
//   prints 7.1202363472230444E-307 for 2^-1017), and the stop test is `b + m > 10s` while the
//   numbers fit in 64 bits but `b + m >= 10s` when they do not;
// - in E notation at least two digits are generated before stopping.
// Checked against a real Java 17 on some hundred thousand values in the tests.

const EXP_SHIFT = 52
const FRACT_HOB = 1n << 52n
/** Bits of 5^i, for the choice between 64-bit and big arithmetic (FloatingDecimal.N_5_BITS). */
const N_5_BITS = Array.from({ length: 27 }, (_, i) => (i === 0 ? 0 : (5n ** BigInt(i)).toString(2).length))

/** Digits without leading or trailing zeros, and the power of ten of the first digit plus one. */
interface Decimal {
  readonly digits: string
  readonly decExponent: number
}

const bits = new DataView(new ArrayBuffer(8))

function bitLength(value: bigint): number {
  return value === 0n ? 0 : value.toString(2).length
}

function trailingZeros(value: bigint): number {
  let n = 0
  while ((value & 1n) === 0n) {
    value >>= 1n
    n++
  }
  return n
}

/** FloatingDecimal.estimateDecExp: floor(log10(d)), at most one too high. */
function estimateDecExp(fractBits: bigint, binExp: number): number {
  bits.setBigUint64(0, 0x3ff0000000000000n | (fractBits & (FRACT_HOB - 1n)))
  const d2 = bits.getFloat64(0)
  const d = (d2 - 1.5) * 0.289529654 + 0.176091259 + binExp * 0.301029995663981
  return Math.floor(d)
}

/** FloatingDecimal.dtoa for a positive finite double. */
function dtoa(value: number): Decimal {
  bits.setFloat64(0, value)
  const raw = bits.getBigUint64(0)
  let fractBits = raw & (FRACT_HOB - 1n)
  let binExp = Number((raw >> 52n) & 0x7ffn)
  let nSignificantBits: number
  if (binExp === 0) {
    const leadingZeros = 64 - bitLength(fractBits)
    const shift = leadingZeros - (63 - EXP_SHIFT)
    fractBits <<= BigInt(shift)
    binExp = 1 - shift
    nSignificantBits = 64 - leadingZeros
  } else {
    fractBits |= FRACT_HOB
    nSignificantBits = EXP_SHIFT + 1
  }
  binExp -= 1023
  const tailZeros = trailingZeros(fractBits)
  const nFractBits = EXP_SHIFT + 1 - tailZeros
  const nTinyBits = Math.max(0, nFractBits - binExp - 1)
  if (binExp <= 62 && binExp >= -21 && nTinyBits === 0)
    return wholeNumber(fractBits, binExp, nSignificantBits)

  let decExp = estimateDecExp(fractBits, binExp)
  const B5 = Math.max(0, -decExp)
  let B2 = B5 + nTinyBits + binExp
  const S5 = Math.max(0, decExp)
  let S2 = S5 + nTinyBits
  const M5 = B5
  let M2 = B2 - nSignificantBits
  fractBits >>= BigInt(tailZeros)
  B2 -= nFractBits - 1
  const common2 = Math.min(B2, S2)
  B2 -= common2
  S2 -= common2
  M2 -= common2
  if (nFractBits === 1) M2 -= 1
  if (M2 < 0) {
    B2 -= M2
    S2 -= M2
    M2 = 0
  }
  const bBits = nFractBits + B2 + (B5 < N_5_BITS.length ? (N_5_BITS[B5] as number) : B5 * 3)
  const tenSBits = S2 + 1 + (S5 + 1 < N_5_BITS.length ? (N_5_BITS[S5 + 1] as number) : (S5 + 1) * 3)
  const small = bBits < 64 && tenSBits < 64
  let b = fractBits * 5n ** BigInt(B5) * 2n ** BigInt(B2)
  const s = 5n ** BigInt(S5) * 2n ** BigInt(S2)
  let m = 5n ** BigInt(M5) * 2n ** BigInt(M2)
  const tens = s * 10n
  const reachesHigh = (): boolean => (small ? b + m > tens : b + m >= tens)
  let digits = ''
  let q = b / s
  b = 10n * (b % s)
  m *= 10n
  let low = b < m
  let high = reachesHigh()
  if (q === 0n && !high) decExp--
  else digits += q.toString()
  if (decExp < -3 || decExp >= 8) low = high = false
  while (!low && !high) {
    q = b / s
    b = 10n * (b % s)
    m *= 10n
    low = b < m
    high = reachesHigh()
    digits += q.toString()
  }
  // The last digit is rounded by how the generation stopped; a tie goes to an even digit.
  if (high && (!low || 2n * b > tens || (2n * b === tens && Number(digits.at(-1)) % 2 === 1))) {
    const up = (BigInt(digits) + 1n).toString()
    // 99 -> 100: FloatingDecimal.roundup keeps the digit count and raises the exponent.
    if (up.length > digits.length) decExp++
    digits = up.slice(0, digits.length)
  }
  return { digits: digits.replace(/0+$/, '') || '0', decExponent: decExp + 1 }
}

/** FloatingDecimal's long path: the exact integer, rounded half-up at insignificant digits. */
function wholeNumber(fractBits: bigint, binExp: number, nSignificantBits: number): Decimal {
  // FloatingDecimal.insignificantDigitsForPow2: floor(p2 * log10(2)) for 1 < p2.
  const p2 = binExp - nSignificantBits - 1
  const insignificant = binExp > nSignificantBits && p2 > 1 ? Math.floor(p2 * Math.log10(2)) : 0
  let whole =
    binExp >= EXP_SHIFT ? fractBits << BigInt(binExp - EXP_SHIFT) : fractBits >> BigInt(EXP_SHIFT - binExp)
  let decExponent = 0
  if (insignificant > 0) {
    const pow10 = 10n ** BigInt(insignificant)
    const residue = whole % pow10
    whole /= pow10
    decExponent += insignificant
    if (residue >= pow10 / 2n) whole++
  }
  const text = whole.toString()
  return { digits: text.replace(/0+$/, ''), decExponent: decExponent + text.length }
}

/** `Double.toString(value)` as Java 17 prints it. */
export function javaDoubleToString(value: number): string {
  if (Number.isNaN(value)) return 'NaN'
  if (value === Infinity) return 'Infinity'
  if (value === -Infinity) return '-Infinity'
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0'
  const sign = value < 0 ? '-' : ''
  const magnitude = Math.abs(value)
  const { digits, decExponent } = dtoa(magnitude)
  return sign + format(digits, decExponent)
}

// FloatingDecimal.toJavaFormatString: plain notation for 10^-3 <= |d| < 10^7, else d.dddE<n>;
// always at least one digit after the point.
function format(digits: string, decExponent: number): string {
  if (decExponent > 0 && decExponent <= 7) {
    if (digits.length <= decExponent) return `${digits.padEnd(decExponent, '0')}.0`
    return `${digits.slice(0, decExponent)}.${digits.slice(decExponent)}`
  }
  if (decExponent <= 0 && decExponent > -3) return `0.${'0'.repeat(-decExponent)}${digits}`
  return `${digits[0] ?? '0'}.${digits.length > 1 ? digits.slice(1) : '0'}E${decExponent - 1}`
}
