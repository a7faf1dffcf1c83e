// ThingsBoard's TBEL helper functions (TbUtils, NumberUtils) and the Java collection methods that
// TBEL scripts call on maps, lists and strings, written in JavaScript that runs inside the script's
// context (the prelude): text, not host functions, so that nothing of the host realm enters it.
// Each follows the Java method's rules, errors included; a helper of TbUtils that is not here is
// refused when the script loads.

/** Every helper function TbUtils registers, for naming the ones this engine refuses. */
export const TBEL_UTILS: ReadonlySet<string> = new Set(
  (
    'atob base64ToBytes base64ToBytesList base64ToHex btoa bytesToBase64 bytesToExecutionArrayList bytesToHex ' +
    'bytesToString decodeToJson decodeToString decodeURI doubleToHex encodeURI floatToHex hexToBase64 hexToBytes ' +
    'hexToBytesArray intLongToRadixString intToHex isArray isBinary isDecimal isHexadecimal isInsideCircle ' +
    'isInsidePolygon isList isMap isNaN isOctal isSet longToHex newSet padEnd padStart parseBigEndianHexToDouble ' +
    'parseBigEndianHexToFloat parseBigEndianHexToInt parseBigEndianHexToLong parseBinaryArrayToInt ' +
    'parseByteToBinaryArray parseBytesIntToFloat parseBytesLongToDouble parseBytesToBinaryArray parseBytesToDouble ' +
    'parseBytesToFloat parseBytesToInt parseBytesToLong parseDouble parseFloat parseHexIntLongToFloat ' +
    'parseHexToDouble parseHexToFloat parseHexToInt parseHexToLong parseInt parseLittleEndianHexToDouble ' +
    'parseLittleEndianHexToFloat parseLittleEndianHexToInt parseLittleEndianHexToLong parseLong ' +
    'parseLongToBinaryArray printUnsignedBytes raiseError stringToBytes toFixed toFlatMap toInt toSet'
  ).split(' ')
)

/** The helper functions this engine runs (a subset of TBEL_UTILS). */
export const TBEL_FUNCTIONS: ReadonlySet<string> = new Set([
  'btoa',
  'atob',
  'stringToBytes',
  'bytesToString',
  'bytesToHex',
  'hexToBytes',
  'parseInt',
  'parseLong',
  'parseFloat',
  'parseDouble',
  'toFixed',
  'toInt',
  'isNaN',
  'encodeURI',
  'decodeURI',
  'raiseError',
  'isMap',
  'isList',
  'padStart',
  'padEnd'
])

/**
 * Methods a script may call: JavaScript's own where Java's method of that name means the same
 * (String.indexOf, toUpperCase, ...), and the Java collection methods the prelude adds.
 */
export const TBEL_METHODS: ReadonlySet<string> = new Set([
  'toUpperCase',
  'toLowerCase',
  'trim',
  'startsWith',
  'endsWith',
  'indexOf',
  'lastIndexOf',
  'substring',
  'charAt',
  'toString',
  'pop',
  'shift',
  'push',
  'add',
  'get',
  'put',
  'putIfAbsent',
  'putAll',
  'containsKey',
  'contains',
  'remove',
  'size',
  'isEmpty',
  'keys',
  'values',
  'entrySet',
  'getKey',
  'getValue',
  'equals'
])

/** The prelude's parser of data and metadata: maps whose missing keys read null, as a Java map's get. */
export const TBEL_PARSER = '__tbelParse'

/** The prelude: helper functions and collection methods, evaluated in each TBEL script's context. */
export const TBEL_HELPERS = String.raw`
// A descriptor without a prototype: once Object.prototype has get(), a plain literal would read as an accessor.
var __tbelDefine = function (target, name, fn) {
  var descriptor = Object.create(null);
  descriptor.value = fn;
  descriptor.writable = true;
  descriptor.configurable = true;
  Object.defineProperty(target, name, descriptor);
};
var __tbelNull = function (value) { return value === undefined ? null : value; };
var __tbelUtf8Encode = function (text) {
  var bytes = [];
  var encoded = encodeURIComponent(text);
  for (var i = 0; i < encoded.length; i++) {
    if (encoded[i] === '%') { bytes[bytes.length] = Number.parseInt(encoded.substr(i + 1, 2), 16); i += 2; }
    else bytes[bytes.length] = encoded.charCodeAt(i);
  }
  return bytes;
};
var __tbelUtf8Decode = function (bytes) {
  var text = '';
  for (var i = 0; i < bytes.length; ) {
    var b = bytes[i] & 255, n = b < 0x80 ? 1 : b >= 0xf0 && b < 0xf8 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 && b < 0xe0 ? 2 : 0;
    if (n === 0 || i + n > bytes.length) { text += '\uFFFD'; i++; continue; }
    var code = n === 1 ? b : b & (0xff >> (n + 1)), ok = true;
    for (var k = 1; k < n; k++) { var c = bytes[i + k] & 255; if ((c & 0xc0) !== 0x80) { ok = false; break; } code = code * 64 + (c & 63); }
    if (!ok || code > 0x10ffff || (code >= 0xd800 && code < 0xe000)) { text += '\uFFFD'; i++; continue; }
    text += String.fromCodePoint(code); i += n;
  }
  return text;
};
var __tbelToByte = function (value) {
  if (typeof value === 'string') value = parseInt(value);
  if (typeof value !== 'number' || value !== Math.floor(value)) throw new Error("The value '" + value + "' could not be correctly converted to a byte. Must be a HexDecimal/String/Integer/Byte format !");
  if (value > 255 || value < -128) throw new Error("The value '" + value + "' could not be correctly converted to a byte. Integer to byte conversion requires the use of only 8 bits (with a range of min/max = -128/255)!");
  return value > 127 ? value - 256 : value;
};
var __tbelB64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
var __tbelCharset = function (name) {
  var n = String(name).toUpperCase().replace('_', '-');
  if (n === 'UTF-8' || n === 'UTF8') return 'UTF-8';
  if (n === 'ISO-8859-1' || n === 'LATIN1' || n === 'US-ASCII' || n === 'ASCII') return n.indexOf('ASCII') >= 0 ? 'US-ASCII' : 'ISO-8859-1';
  throw new Error('charset ' + name + ' is not supported here (UTF-8, ISO-8859-1, US-ASCII)');
};

var __tbelMissingIsNull = {
  get: function (target, key, receiver) {
    return typeof key === 'string' && !(key in target) ? null : Reflect.get(target, key, receiver);
  }
};
var __tbelParse = function (text) {
  return JSON.parse(text, function (key, value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? new Proxy(value, __tbelMissingIsNull) : value;
  });
};

var __tbelEntry = function (map, key) {
  return { key: key, value: map[key], getKey: function () { return key; }, getValue: function () { return map[key]; } };
};
var __tbelIter = function (items) {
  if (Array.isArray(items)) return items;
  if (typeof items === 'string') return items.split('');
  if (typeof items === 'number') { var counted = []; for (var n = 1; n <= items; n++) counted[counted.length] = n; return counted; }
  if (typeof items === 'object' && items !== null) return Object.keys(items).map(function (key) { return __tbelEntry(items, key); });
  throw new Error('foreach cannot walk ' + (items === null || items === undefined ? 'null' : typeof items));
};

// MVEL's ==: numbers, and text that reads as a number, compare by value ("5" == 5.0); null equals
// only null; text, booleans, maps and lists as Java's equals (a map or list by its contents).
var __tbelNumeric = function (v) {
  return typeof v === 'number' || (typeof v === 'string' && /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(v));
};
var __tbelEquals = function (a, b) {
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (a === null || b === null) return a === b;
  if (__tbelNumeric(a) && __tbelNumeric(b)) return Number(a) === Number(b);
  if (typeof a === 'boolean' && typeof b !== 'boolean') throw new Error('== between a boolean and a ' + typeof b + ' is not supported here');
  if (typeof b === 'boolean' && typeof a !== 'boolean') throw new Error('== between a ' + typeof a + ' and a boolean is not supported here');
  if (typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  var ka = Object.keys(a), kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (var i = 0; i < ka.length; i++) {
    if (Array.isArray(a) ? false : !Object.prototype.hasOwnProperty.call(b, ka[i])) return false;
    if (!__tbelSameValue(a[ka[i]], b[ka[i]])) return false;
  }
  return true;
};
// Inside a map or list Java's equals has no text-to-number reading.
var __tbelSameValue = function (a, b) {
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) return __tbelEquals(a, b);
  return (a === undefined ? null : a) === (b === undefined ? null : b);
};
var __tbelEq = function (a, b) { return __tbelEquals(a, b); };

function raiseError(message) { throw new Error(String(message)); }
function isNaN(value) { return value !== value; }
function isMap(value) { return typeof value === 'object' && value !== null && !Array.isArray(value); }
function isList(value) { return Array.isArray(value); }
function stringToBytes(text, charset) {
  if (typeof text !== 'string') throw new Error("Invalid type parameter [" + (text === null ? 'null' : typeof text) + "]. Expected 'String'");
  var cs = charset === undefined ? 'UTF-8' : __tbelCharset(charset);
  if (cs === 'UTF-8') return __tbelUtf8Encode(text).map(function (b) { return b > 127 ? b - 256 : b; });
  var out = [];
  for (var i = 0; i < text.length; i++) {
    var c = text.charCodeAt(i), max = cs === 'US-ASCII' ? 127 : 255;
    out[out.length] = c > max ? 63 : c > 127 ? c - 256 : c;
  }
  return out;
}
function bytesToString(list, charset) {
  var bytes = list.map(__tbelToByte);
  var cs = charset === undefined ? 'UTF-8' : __tbelCharset(charset);
  if (cs === 'UTF-8') return __tbelUtf8Decode(bytes);
  return bytes.map(function (b) { var u = b & 255; return String.fromCharCode(cs === 'US-ASCII' && u > 127 ? 0xfffd : u); }).join('');
}
function bytesToHex(list) {
  return list.map(function (b) { var u = __tbelToByte(b) & 255; return (u < 16 ? '0' : '') + u.toString(16).toUpperCase(); }).join('');
}
function hexToBytes(hex) {
  var h = String(hex).replace(/^0[xX]/, '');
  if (h.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(h)) throw new Error('Hex string must be not empty and must be even length!');
  var out = [];
  for (var i = 0; i < h.length; i += 2) { var u = Number.parseInt(h.substr(i, 2), 16); out[out.length] = u > 127 ? u - 256 : u; }
  return out;
}
function btoa(text) {
  var bytes = __tbelUtf8Encode(String(text)), out = '';
  for (var i = 0; i < bytes.length; i += 3) {
    var n = (bytes[i] << 16) | ((bytes[i + 1] || 0) << 8) | (bytes[i + 2] || 0);
    out += __tbelB64[(n >> 18) & 63] + __tbelB64[(n >> 12) & 63] + (i + 1 < bytes.length ? __tbelB64[(n >> 6) & 63] : '=') + (i + 2 < bytes.length ? __tbelB64[n & 63] : '=');
  }
  return out;
}
function atob(text) {
  var s = String(text);
  if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) throw new Error('Illegal base64 character or length in ' + s);
  var bytes = [];
  for (var i = 0; i < s.length; i += 4) {
    var n = 0, pad = 0;
    for (var k = 0; k < 4; k++) { var c = s[i + k]; if (c === '=') { pad++; n = n * 64; } else n = n * 64 + __tbelB64.indexOf(c); }
    bytes[bytes.length] = (n >> 16) & 255;
    if (pad < 2) bytes[bytes.length] = (n >> 8) & 255;
    if (pad < 1) bytes[bytes.length] = n & 255;
  }
  return __tbelUtf8Decode(bytes);
}
var __tbelParseInteger = function (value, radix, bits) {
  if (value === null || value === undefined || String(value).trim() === '') return null;
  var text = String(value).trim().split('0x').join('').split('0X').join('').split(',').join('.');
  var decimal = /^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(text), hex = /^-?(0[xX])?[0-9a-fA-F]+$/.test(text);
  var r = radix === undefined || radix === 0 ? (decimal ? 10 : hex ? 16 : -1) : radix;
  if (r === -1) throw new Error('Value: "' + value + '" is not numeric or hexDecimal format!');
  if (r !== 10 && r !== 16) throw new Error('radix ' + r + ' is not supported here (0, 10, 16)');
  if (r === 10 && !decimal) throw new Error('Failed radix [10] for value: "' + value + '", must be [-1] !');
  if (r === 16 && !hex) throw new Error('Failed radix [16] for value: "' + value + '", must be [-1] !');
  if (String(value).indexOf('0x') === 0) r = 16;
  var digits = text;
  if (r === 16) {
    var raw = String(value).charAt(0) === '-' ? String(value).substring(1) : String(value);
    if (raw.length % 2 > 0) throw new Error('The hexadecimal value: "' + value + '" must be of even length, or if the decimal value must be a number!');
  }
  if (!(r === 10 ? /^[+-]?\d+$/ : /^[+-]?[0-9a-fA-F]+$/).test(digits)) throw new Error('For input string: "' + digits + '"' + (r === 10 ? '' : ' under radix ' + r));
  var result = Number.parseInt(digits, r);
  var max = bits === 32 ? 2147483647 : Number.MAX_SAFE_INTEGER, min = bits === 32 ? -2147483648 : -Number.MAX_SAFE_INTEGER;
  if (result > max || result < min) throw new Error('For input string: "' + digits + '"' + (r === 10 ? '' : ' under radix ' + r) + (bits === 32 ? '' : ' (beyond 2^53, which this engine cannot hold exactly)'));
  return result;
};
function parseInt(value, radix) { return __tbelParseInteger(value, radix, 32); }
function parseLong(value, radix) { return __tbelParseInteger(value, radix, 64); }
function parseFloat(value) {
  if (value === null || value === undefined || String(value).trim() === '') return null;
  var text = String(value).trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[fFdD]?$/.test(text)) throw new Error('For input string: "' + text + '"');
  return Number(text.replace(/[fFdD]$/, ''));
}
function parseDouble(value) { return parseFloat(value); }
// BigDecimal.valueOf(value) starts from Double.toString's digits, which JavaScript's shortest
// representation gives too; then HALF_UP on the decimal digits, not on the binary value.
function toFixed(value, precision) {
  var v = Number(value), p = precision | 0;
  if (v !== v || v === Infinity || v === -Infinity) throw new Error('Infinite or NaN');
  var neg = v < 0, parts = Math.abs(v).toExponential().split('e'), exp = Number(parts[1]);
  var digits = parts[0].replace('.', ''), point = exp + 1;
  while (point < 0) { digits = '0' + digits; point++; }
  while (digits.length < point + p + 1) digits += '0';
  var keep = digits.substring(0, point + p), next = digits.charCodeAt(point + p) - 48;
  var n = keep === '' ? 0 : Number(keep);
  if (next >= 5) n += 1;
  var out = n / Math.pow(10, p);
  if (p < 0) out = n * Math.pow(10, -p);
  return neg && out !== 0 ? -out : out;
}
function toInt(value) { return toFixed(value, 0); }
// TbUtils.encodeURI is URLEncoder's output with MDN's reserved characters put back: the same as
// JavaScript's encodeURI, kept. Its decodeURI undoes every escape, as decodeURIComponent does.
decodeURI = function (uri) { return decodeURIComponent(String(uri)); };
function padStart(text, length, pad) { var s = String(text); while (s.length < length) s = String(pad) + s; return s; }
function padEnd(text, length, pad) { var s = String(text); while (s.length < length) s = s + String(pad); return s; }

(function () {
  var P = Object.prototype, A = Array.prototype, S = String.prototype;
  var same = __tbelSameValue;
  __tbelDefine(P, 'get', function (key) { return Object.prototype.hasOwnProperty.call(this, key) ? __tbelNull(this[key]) : null; });
  __tbelDefine(P, 'put', function (key, value) { var old = this.get(key); this[key] = value; return old; });
  __tbelDefine(P, 'putIfAbsent', function (key, value) { var old = this.get(key); if (old === null) this[key] = value; return old; });
  __tbelDefine(P, 'putAll', function (map) { for (var key in map) if (Object.prototype.hasOwnProperty.call(map, key)) this[key] = map[key]; });
  __tbelDefine(P, 'containsKey', function (key) { return Object.prototype.hasOwnProperty.call(this, key); });
  __tbelDefine(P, 'remove', function (key) { var old = this.get(key); delete this[key]; return old; });
  __tbelDefine(P, 'size', function () { return Object.keys(this).length; });
  __tbelDefine(P, 'isEmpty', function () { return this.size() === 0; });
  __tbelDefine(P, 'keys', function () { return Object.keys(this); });
  __tbelDefine(P, 'entrySet', function () { var self = this; return Object.keys(this).map(function (k) { return __tbelEntry(self, k); }); });
  __tbelDefine(P, 'values', function () { var self = this; return Object.keys(this).map(function (k) { return self[k]; }); });
  __tbelDefine(P, 'equals', function (other) { return same(this.valueOf(), other); });
  __tbelDefine(A, 'get', function (index) { if (index < 0 || index >= this.length) throw new Error('Index ' + index + ' out of bounds for length ' + this.length); return __tbelNull(this[index]); });
  __tbelDefine(A, 'add', function (a, b) { if (arguments.length > 1) { this.splice(a, 0, b); return null; } this[this.length] = a; return true; });
  __tbelDefine(A, 'push', function (value) { this[this.length] = value; return true; });
  __tbelDefine(A, 'size', function () { return this.length; });
  __tbelDefine(A, 'isEmpty', function () { return this.length === 0; });
  __tbelDefine(A, 'contains', function (value) { for (var i = 0; i < this.length; i++) if (same(this[i], value)) return true; return false; });
  __tbelDefine(A, 'remove', function (value) {
    if (typeof value === 'number') { if (value < 0 || value >= this.length) throw new Error('Index ' + value + ' out of bounds for length ' + this.length); return this.splice(value, 1)[0]; }
    for (var i = 0; i < this.length; i++) if (same(this[i], value)) { this.splice(i, 1); return true; }
    return false;
  });
  // Java's toString, so that "" + list reads [a, b] and "" + map reads {k=v}, as in TBEL.
  var text = function (v) { return v === null || v === undefined ? 'null' : typeof v === 'object' ? v.toString() : String(v); };
  __tbelDefine(A, 'toString', function () { return '[' + this.map(text).join(', ') + ']'; });
  __tbelDefine(P, 'toString', function () { var self = this; return '{' + Object.keys(this).map(function (k) { return k + '=' + text(self[k]); }).join(', ') + '}'; });
  __tbelDefine(S, 'contains', function (text) { return this.indexOf(String(text)) >= 0; });
  __tbelDefine(S, 'isEmpty', function () { return this.length === 0; });
  __tbelDefine(S, 'size', function () { return this.length; });
})();
`
