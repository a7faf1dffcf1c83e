// Java client properties as this code declares them (property-table.ts for the producer,
// security-properties.ts for what every connection shares), and the reader that lets code read a
// property only by a declared name.

/** One property: how to document it, and the range of an integer one. */
export interface PropertySpec {
  readonly name: string
  /** The Java type: int, long, boolean, string, list, password, class. */
  readonly type: string
  /** The default, as text (a Kafka node field's name when the node's configuration supplies it). */
  readonly default: string
  /** What is accepted. */
  readonly accepts: string
  /** The setting it drives (a ProducerSettings field), or what refusing it means. */
  readonly drives: string
  readonly min?: number
  readonly max?: number
}

/**
 * Given properties, read by declared name only. It remembers which were read, so that a known
 * property the settings did not use (an ssl.* one without SSL) is reported instead of dropped.
 */
export class PropertyReader<Name extends string> {
  readonly #read = new Set<string>()

  constructor(
    readonly properties: Readonly<Record<string, string>>,
    readonly known: ReadonlySet<string>
  ) {}

  /** The property's text, or undefined when it is not set. */
  get(name: Name): string | undefined {
    this.#read.add(name)
    return this.properties[name]
  }

  /** Given properties that are not declared. */
  unknown(): string[] {
    return Object.keys(this.properties).filter((name) => !this.known.has(name))
  }

  /** Known properties that are set but were not read. */
  unread(): string[] {
    return Object.keys(this.properties).filter((name) => this.known.has(name) && !this.#read.has(name))
  }
}
