// What became of one batch sent in a Produce request, as the transport answers and the sender
// reads it: the broker appended it at a base offset, or it failed and the error says why (the
// sender then decides on retry from the error's typed code, never from its text).

/** The broker appended the batch; its first record is at `baseOffset` (-1 when acks=0 or unknown). */
export interface BatchAppended {
  readonly kind: 'appended'
  readonly baseOffset: number
}

/** The batch was not appended: not sent, refused by the broker, or its request failed. */
export interface BatchFailed {
  readonly kind: 'failed'
  readonly error: Error
}

/** A batch's outcome. */
export type BatchOutcome = BatchAppended | BatchFailed

/** The batch was appended at `baseOffset`. */
export function appended(baseOffset: number): BatchAppended {
  return { kind: 'appended', baseOffset }
}

/** The batch failed: `error` as caught (anything thrown that is not an Error becomes one). */
export function failed(error: unknown): BatchFailed {
  return { kind: 'failed', error: error instanceof Error ? error : new Error(String(error)) }
}
