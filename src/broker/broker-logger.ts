/** Where the broker reports what it does; silent unless given. */
export interface BrokerLogger {
  info(message: string): void
  warn(message: string): void
}

/** A logger that drops everything. */
export const silentBrokerLogger: BrokerLogger = { info: () => {}, warn: () => {} }
