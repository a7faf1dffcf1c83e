// The charsets kafkaHeadersCharset takes: those of Java's Charset.forName (Java 17) that users
// meet, each with the aliases Java knows it by (Charset.aliases(), learnt from the JVM through the
// oracle's `encode`) and the iconv-lite encoding that writes its bytes. Java matches names without
// regard to case; so does headerEncoding. Java 17 knows no ISO-8859-10 nor ISO-8859-14: neither
// does this table. Where iconv-lite's table differs from Java's for some characters, the count
// is declared (`differences`) and the README lists it.

/** A charset as Java names it, and how we encode it. */
export interface JavaCharset {
  /** Java's canonical name (Charset.name()). */
  readonly name: string
  /** The iconv-lite encoding; null for the Unicode charsets Node encodes itself (charset.ts). */
  readonly iconv: string | null
  readonly aliases: readonly string[]
  /**
   * How many characters of the Basic Multilingual Plane iconv-lite's table writes otherwise than
   * Java's (test/reference/java-charsets.test.ts counts them against the JVM): the CJK charsets'
   * tables are WHATWG's and Microsoft's, Java's its own (the wave dash, ¢ £ ¬, vendor symbols).
   */
  readonly differences?: number
}

/** Every charset the node takes, in the order `describe` lists them. */
export const JAVA_CHARSETS: readonly JavaCharset[] = [
  { name: 'UTF-8', iconv: null, aliases: ['UTF8', 'unicode-1-1-utf-8'] },
  {
    name: 'US-ASCII',
    iconv: 'ascii',
    aliases: [
      '646',
      'ANSI_X3.4-1968',
      'ANSI_X3.4-1986',
      'ASCII',
      'IBM367',
      'ISO646-US',
      'ISO_646.irv:1991',
      'ascii7',
      'cp367',
      'csASCII',
      'default',
      'iso-ir-6',
      'iso_646.irv:1983',
      'us'
    ]
  },
  {
    name: 'ISO-8859-1',
    iconv: 'iso88591',
    aliases: [
      '819',
      '8859_1',
      'IBM-819',
      'IBM819',
      'ISO8859-1',
      'ISO8859_1',
      'ISO_8859-1',
      'ISO_8859-1:1987',
      'ISO_8859_1',
      'cp819',
      'csISOLatin1',
      'iso-ir-100',
      'l1',
      'latin1'
    ]
  },
  {
    name: 'ISO-8859-2',
    iconv: 'iso88592',
    aliases: [
      '8859_2',
      '912',
      'ISO8859-2',
      'ISO_8859-2',
      'ISO_8859-2:1987',
      'cp912',
      'csISOLatin2',
      'ibm-912',
      'ibm912',
      'iso-ir-101',
      'iso8859_2',
      'l2',
      'latin2'
    ]
  },
  {
    name: 'ISO-8859-3',
    iconv: 'iso88593',
    aliases: [
      '8859_3',
      '913',
      'ISO8859-3',
      'ISO_8859-3',
      'ISO_8859-3:1988',
      'cp913',
      'csISOLatin3',
      'ibm-913',
      'ibm913',
      'iso-ir-109',
      'iso8859_3',
      'l3',
      'latin3'
    ]
  },
  {
    name: 'ISO-8859-4',
    iconv: 'iso88594',
    aliases: [
      '8859_4',
      '914',
      'ISO_8859-4',
      'ISO_8859-4:1988',
      'cp914',
      'csISOLatin4',
      'ibm-914',
      'ibm914',
      'iso-ir-110',
      'iso8859-4',
      'iso8859_4',
      'l4',
      'latin4'
    ]
  },
  {
    name: 'ISO-8859-5',
    iconv: 'iso88595',
    aliases: [
      '8859_5',
      '915',
      'ISO8859-5',
      'ISO_8859-5',
      'ISO_8859-5:1988',
      'cp915',
      'csISOLatinCyrillic',
      'cyrillic',
      'ibm-915',
      'ibm915',
      'iso-ir-144',
      'iso8859_5'
    ]
  },
  {
    name: 'ISO-8859-6',
    iconv: 'iso88596',
    aliases: [
      '1089',
      '8859_6',
      'ASMO-708',
      'ECMA-114',
      'ISO8859-6',
      'ISO_8859-6',
      'ISO_8859-6:1987',
      'arabic',
      'cp1089',
      'csISOLatinArabic',
      'ibm-1089',
      'ibm1089',
      'iso-ir-127',
      'iso8859_6'
    ]
  },
  {
    name: 'ISO-8859-7',
    iconv: 'iso88597',
    aliases: [
      '813',
      '8859_7',
      'ECMA-118',
      'ELOT_928',
      'ISO_8859-7',
      'ISO_8859-7:1987',
      'cp813',
      'csISOLatinGreek',
      'greek',
      'greek8',
      'ibm-813',
      'ibm813',
      'iso-ir-126',
      'iso8859-7',
      'iso8859_7',
      'sun_eu_greek'
    ]
  },
  {
    name: 'ISO-8859-8',
    iconv: 'iso88598',
    aliases: [
      '8859_8',
      '916',
      'ISO8859-8',
      'ISO_8859-8',
      'ISO_8859-8:1988',
      'cp916',
      'csISOLatinHebrew',
      'hebrew',
      'ibm-916',
      'ibm916',
      'iso-ir-138',
      'iso8859_8'
    ]
  },
  {
    name: 'ISO-8859-9',
    iconv: 'iso88599',
    aliases: [
      '8859_9',
      '920',
      'ISO8859-9',
      'ISO_8859-9',
      'ISO_8859-9:1989',
      'cp920',
      'csISOLatin5',
      'ibm-920',
      'ibm920',
      'iso-ir-148',
      'iso8859_9',
      'l5',
      'latin5'
    ]
  },
  { name: 'x-iso-8859-11', iconv: 'iso885911', aliases: ['iso-8859-11', 'iso8859_11'] },
  {
    name: 'ISO-8859-13',
    iconv: 'iso885913',
    aliases: ['8859_13', 'ISO8859-13', 'iso8859_13', 'iso_8859-13']
  },
  {
    name: 'ISO-8859-15',
    iconv: 'iso885915',
    aliases: [
      '8859_15',
      '923',
      'IBM-923',
      'IBM923',
      'ISO-8859-15',
      'ISO8859-15',
      'ISO8859_15',
      'ISO8859_15_FDIS',
      'ISO_8859-15',
      'L9',
      'LATIN0',
      'LATIN9',
      'Latin-9',
      'cp923',
      'csISO885915',
      'csISOlatin0',
      'csISOlatin9'
    ]
  },
  {
    name: 'ISO-8859-16',
    iconv: 'iso885916',
    aliases: ['ISO8859_16', 'ISO_8859-16', 'ISO_8859-16:2001', 'csISO885916', 'iso-ir-226', 'l10', 'latin10']
  },
  { name: 'windows-1250', iconv: 'windows1250', aliases: ['cp1250', 'cp5346'] },
  { name: 'windows-1251', iconv: 'windows1251', aliases: ['ansi-1251', 'cp1251', 'cp5347'] },
  { name: 'windows-1252', iconv: 'windows1252', aliases: ['cp1252', 'cp5348', 'ibm-1252', 'ibm1252'] },
  { name: 'windows-1253', iconv: 'windows1253', aliases: ['cp1253', 'cp5349'] },
  { name: 'windows-1254', iconv: 'windows1254', aliases: ['cp1254', 'cp5350'] },
  { name: 'windows-1255', iconv: 'windows1255', differences: 1, aliases: ['cp1255'] },
  { name: 'windows-1256', iconv: 'windows1256', aliases: ['cp1256'] },
  { name: 'windows-1257', iconv: 'windows1257', aliases: ['cp1257', 'cp5353'] },
  { name: 'windows-1258', iconv: 'windows1258', aliases: ['cp1258'] },
  { name: 'KOI8-R', iconv: 'koi8r', aliases: ['cskoi8r', 'koi8', 'koi8_r'] },
  { name: 'KOI8-U', iconv: 'koi8u', aliases: ['koi8_u'] },
  {
    name: 'Shift_JIS',
    iconv: 'shiftjis',
    differences: 462,
    aliases: ['csShiftJIS', 'ms_kanji', 'shift-jis', 'shift_jis', 'sjis', 'x-sjis']
  },
  {
    name: 'EUC-JP',
    iconv: 'eucjp',
    differences: 180,
    aliases: [
      'Extended_UNIX_Code_Packed_Format_for_Japanese',
      'csEUCPkdFmtjapanese',
      'euc_jp',
      'eucjis',
      'eucjp',
      'x-euc-jp',
      'x-eucjp'
    ]
  },
  {
    name: 'EUC-KR',
    iconv: 'euckr',
    differences: 1,
    aliases: [
      '5601',
      'csEUCKR',
      'euc_kr',
      'euckr',
      'ks_c_5601-1987',
      'ksc5601',
      'ksc5601-1987',
      'ksc5601_1987',
      'ksc_5601'
    ]
  },
  { name: 'GBK', iconv: 'gbk', differences: 166, aliases: ['CP936', 'windows-936'] },
  { name: 'GB18030', iconv: 'gb18030', differences: 37, aliases: ['gb18030-2022'] },
  { name: 'Big5', iconv: 'cp950', differences: 310, aliases: ['csBig5'] },
  { name: 'UTF-16', iconv: null, aliases: ['UTF_16', 'UnicodeBig', 'unicode', 'utf16'] },
  {
    name: 'UTF-16BE',
    iconv: null,
    aliases: ['ISO-10646-UCS-2', 'UTF_16BE', 'UnicodeBigUnmarked', 'X-UTF-16BE']
  },
  { name: 'UTF-16LE', iconv: null, aliases: ['UTF_16LE', 'UnicodeLittleUnmarked', 'X-UTF-16LE'] },
  { name: 'UTF-32', iconv: 'utf32be', aliases: ['UTF32', 'UTF_32'] },
  { name: 'UTF-32BE', iconv: 'utf32be', aliases: ['UTF_32BE', 'X-UTF-32BE'] },
  { name: 'UTF-32LE', iconv: 'utf32le', aliases: ['UTF_32LE', 'X-UTF-32LE'] }
]
