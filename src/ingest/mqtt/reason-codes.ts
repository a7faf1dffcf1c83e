// The MQTT answers this front gives: CONNACK return codes of MQTT 3.1.1 (§3.2.2.3) and the
// reason codes of MQTT 5 (§2.4), named as the specifications name them.

/** MQTT 3.1.1 CONNACK: "Connection Refused, not authorized". */
export const V3_NOT_AUTHORIZED = 5

/** MQTT 5 reason codes the front sends. */
export const REASON = {
  SUCCESS: 0x00,
  NO_SUBSCRIPTION_EXISTED: 0x11,
  UNSPECIFIED_ERROR: 0x80,
  MALFORMED_PACKET: 0x81,
  PROTOCOL_ERROR: 0x82,
  NOT_AUTHORIZED: 0x87,
  SERVER_BUSY: 0x89,
  SERVER_SHUTTING_DOWN: 0x8b,
  KEEP_ALIVE_TIMEOUT: 0x8d,
  TOPIC_NAME_INVALID: 0x90,
  PACKET_TOO_LARGE: 0x95,
  PAYLOAD_FORMAT_INVALID: 0x99,
  QOS_NOT_SUPPORTED: 0x9b,
  TOPIC_ALIAS_INVALID: 0x94
} as const
