import { test } from 'node:test'
import assert from 'node:assert/strict'
import { makeMsg } from '../../helpers/messages.js'
import { loadError, runNode } from '../../helpers/node-harness.js'

const MSG_TYPE_FILTER = 'org.thingsboard.rule.engine.filter.TbMsgTypeFilterNode'
const ORIGINATOR_FILTER = 'org.thingsboard.rule.engine.filter.TbOriginatorTypeFilterNode'
const ORIGINATOR_SWITCH = 'org.thingsboard.rule.engine.filter.TbOriginatorTypeSwitchNode'

const byType = (type: string) => makeMsg({ type })
const byOriginator = (entityType: string) =>
  makeMsg({ originator: { entityType, id: '00000000-0000-4000-8000-0000000000bb' } })

test('message type filter: the default types pass on True, others on False', async (t) => {
  const types = [
    'POST_TELEMETRY_REQUEST',
    'POST_ATTRIBUTES_REQUEST',
    'TO_SERVER_RPC_REQUEST',
    'ALARM',
    'CUSTOM'
  ]
  const { exits } = await runNode(t, MSG_TYPE_FILTER, {}, types.map(byType))
  assert.deepEqual(
    exits.map((e) => [e.msg.type, e.relation]),
    [
      ['POST_TELEMETRY_REQUEST', 'True'],
      ['POST_ATTRIBUTES_REQUEST', 'True'],
      ['TO_SERVER_RPC_REQUEST', 'True'],
      ['ALARM', 'False'],
      ['CUSTOM', 'False']
    ]
  )
})

test('message type filter: configured types, custom ones too', async (t) => {
  const { exits } = await runNode(t, MSG_TYPE_FILTER, { messageTypes: ['CUSTOM'] }, [
    byType('CUSTOM'),
    byType('POST_TELEMETRY_REQUEST')
  ])
  assert.deepEqual(
    exits.map((e) => e.relation),
    ['True', 'False']
  )
})

test('entity type filter: DEVICE by default; configured types', async (t) => {
  const defaults = await runNode(t, ORIGINATOR_FILTER, {}, [byOriginator('DEVICE'), byOriginator('ASSET')])
  assert.deepEqual(
    defaults.exits.map((e) => e.relation),
    ['True', 'False']
  )
  const configured = await runNode(t, ORIGINATOR_FILTER, { originatorTypes: ['ASSET', 'ENTITY_VIEW'] }, [
    byOriginator('DEVICE'),
    byOriginator('ASSET'),
    byOriginator('ENTITY_VIEW')
  ])
  assert.deepEqual(
    configured.exits.map((e) => e.relation),
    ['False', 'True', 'True']
  )
})

test('entity type filter: an entity type ThingsBoard does not have is a load error', async () => {
  assert.match(
    await loadError(ORIGINATOR_FILTER, { originatorTypes: ['DEVICE', 'GADGET'] }),
    /originatorTypes\[1\] must be one of TENANT, CUSTOMER, .* \(got "GADGET"\)/
  )
})

test("entity type switch: relations are EntityType's normal names", async (t) => {
  const types = [
    'DEVICE',
    'ASSET',
    'ENTITY_VIEW',
    'DEVICE_PROFILE',
    'TB_RESOURCE',
    'AI_MODEL',
    'API_USAGE_STATE',
    'RULE_CHAIN'
  ]
  const { exits } = await runNode(t, ORIGINATOR_SWITCH, {}, types.map(byOriginator))
  assert.deepEqual(
    exits.map((e) => e.relation),
    [
      'Device',
      'Asset',
      'Entity View',
      'Device profile',
      'Resource',
      'AI model',
      'Api usage state',
      'Rule chain'
    ]
  )
})
