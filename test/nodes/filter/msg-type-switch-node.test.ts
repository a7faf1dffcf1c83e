import { test } from 'node:test'
import assert from 'node:assert/strict'
import { MSG_TYPE_RELATIONS } from '../../../src/nodes/filter/msg-type-relations.js'
import { makeMsg } from '../../helpers/messages.js'
import { runNode } from '../../helpers/node-harness.js'

const TYPE = 'org.thingsboard.rule.engine.filter.TbMsgTypeSwitchNode'

// TbMsgType of ThingsBoard 4.x: every type and its ruleNodeConnection ("Other" where it has none).
const THINGSBOARD: [string, string][] = [
  ['POST_ATTRIBUTES_REQUEST', 'Post attributes'],
  ['POST_TELEMETRY_REQUEST', 'Post telemetry'],
  ['TO_SERVER_RPC_REQUEST', 'RPC Request from Device'],
  ['ACTIVITY_EVENT', 'Activity Event'],
  ['INACTIVITY_EVENT', 'Inactivity Event'],
  ['CONNECT_EVENT', 'Connect Event'],
  ['DISCONNECT_EVENT', 'Disconnect Event'],
  ['ENTITY_CREATED', 'Entity Created'],
  ['ENTITY_UPDATED', 'Entity Updated'],
  ['ENTITY_DELETED', 'Entity Deleted'],
  ['ENTITY_ASSIGNED', 'Entity Assigned'],
  ['ENTITY_UNASSIGNED', 'Entity Unassigned'],
  ['ATTRIBUTES_UPDATED', 'Attributes Updated'],
  ['ATTRIBUTES_DELETED', 'Attributes Deleted'],
  ['ALARM', 'Alarm'],
  ['ALARM_CREATED', 'Alarm Created'],
  ['ALARM_UPDATED', 'Alarm Updated'],
  ['ALARM_SEVERITY_UPDATED', 'Alarm Severity Updated'],
  ['ALARM_ACK', 'Alarm Acknowledged'],
  ['ALARM_CLEAR', 'Alarm Cleared'],
  ['ALARM_DELETE', 'Other'],
  ['ALARM_ASSIGNED', 'Alarm Assigned'],
  ['ALARM_UNASSIGNED', 'Alarm Unassigned'],
  ['COMMENT_CREATED', 'Comment Created'],
  ['COMMENT_UPDATED', 'Comment Updated'],
  ['RPC_CALL_FROM_SERVER_TO_DEVICE', 'RPC Request to Device'],
  ['ENTITY_ASSIGNED_FROM_TENANT', 'Entity Assigned From Tenant'],
  ['ENTITY_ASSIGNED_TO_TENANT', 'Entity Assigned To Tenant'],
  ['ENTITY_ASSIGNED_TO_EDGE', 'Other'],
  ['ENTITY_UNASSIGNED_FROM_EDGE', 'Other'],
  ['TIMESERIES_UPDATED', 'Timeseries Updated'],
  ['TIMESERIES_DELETED', 'Timeseries Deleted'],
  ['RPC_QUEUED', 'RPC Queued'],
  ['RPC_SENT', 'RPC Sent'],
  ['RPC_DELIVERED', 'RPC Delivered'],
  ['RPC_SUCCESSFUL', 'RPC Successful'],
  ['RPC_TIMEOUT', 'RPC Timeout'],
  ['RPC_EXPIRED', 'RPC Expired'],
  ['RPC_FAILED', 'RPC Failed'],
  ['RPC_DELETED', 'RPC Deleted'],
  ['RELATION_ADD_OR_UPDATE', 'Relation Added or Updated'],
  ['RELATION_DELETED', 'Relation Deleted'],
  ['RELATIONS_DELETED', 'All Relations Deleted'],
  ['PROVISION_SUCCESS', 'Other'],
  ['PROVISION_FAILURE', 'Other'],
  ['SEND_EMAIL', 'Other'],
  ['REST_API_REQUEST', 'REST API request'],
  ['GENERATOR_NODE_SELF_MSG', 'Other'],
  ['DEDUPLICATION_TIMEOUT_SELF_MSG', 'Other'],
  ['NA', 'Other'],
  ['MY_CUSTOM_TYPE', 'Other']
]

test("message type switch: every ThingsBoard 4.x type leaves on ThingsBoard's relation", async (t) => {
  const { exits } = await runNode(
    t,
    TYPE,
    { version: 0 },
    THINGSBOARD.map(([type]) => makeMsg({ type }))
  )
  assert.deepEqual(
    exits.map((e) => [e.msg.type, e.relation]),
    THINGSBOARD
  )
})

test('message type switch: the table holds exactly the types with a connection of their own', () => {
  assert.deepEqual(
    Object.entries(MSG_TYPE_RELATIONS),
    THINGSBOARD.filter(([, relation]) => relation !== 'Other')
  )
})
