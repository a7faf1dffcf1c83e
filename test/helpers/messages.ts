import { TbMsg, type MsgFields } from '../../src/msg/message.js'

/** A message with fixed id, ts and originator, so that outputs can be asserted exactly. */
export function makeMsg(fields: Partial<MsgFields> & { data?: string } = {}): TbMsg {
  return new TbMsg({
    id: '00000000-0000-4000-8000-000000000001',
    ts: 1732400000000,
    type: 'POST_TELEMETRY_REQUEST',
    originator: { entityType: 'DEVICE', id: '00000000-0000-4000-8000-0000000000aa' },
    metadata: {},
    dataType: 'JSON',
    data: '{}',
    ...fields
  })
}
