// ThingsBoard's MQTT device API topics this front takes, and what a PUBLISH on each becomes.

import { deviceMessages, gatewayDevice, type DeviceApi } from '../device-messages.js'
import type { Device } from '../devices.js'
import {
  attributesPayload,
  gatewayAttributesPayload,
  gatewayTelemetryPayload,
  telemetryPayload
} from '../payload.js'
import type { TbMsg } from '../../msg/message.js'
import { REASON } from './reason-codes.js'

/** A topic of the device API: who may publish on it and how its payload reads. */
interface DeviceTopic {
  readonly api: DeviceApi
  readonly gateway: boolean
}

/** The topics, as ThingsBoard names them (MQTT device API and gateway API). */
export const DEVICE_TOPICS: ReadonlyMap<string, DeviceTopic> = new Map([
  ['v1/devices/me/telemetry', { api: 'telemetry', gateway: false }],
  ['v1/devices/me/attributes', { api: 'attributes', gateway: false }],
  ['v1/gateway/telemetry', { api: 'telemetry', gateway: true }],
  ['v1/gateway/attributes', { api: 'attributes', gateway: true }]
])

/** Why a PUBLISH was refused, as its MQTT 5 reason code says it. */
export class PublishRefused extends Error {
  override readonly name = 'PublishRefused'
  readonly reasonCode: number

  constructor(reasonCode: number, message: string) {
    super(message)
    this.reasonCode = reasonCode
  }
}

/** One publish: its topic and payload, the device that sent it, and when it was taken in. */
export interface DevicePublish {
  readonly topicName: string
  readonly device: Device
  /** The devices file by name, for the devices a gateway posts for. */
  readonly devicesByName: ReadonlyMap<string, Device>
  readonly payload: string
  readonly now: number
}

/**
 * The messages a publish by `device` on `topicName` with `payload` becomes. Throws PublishRefused
 * for a topic this front does not take or a gateway topic from a device that is not a gateway,
 * and PayloadError for a payload the API does not accept.
 */
export function topicMessages({ topicName, device, devicesByName, payload, now }: DevicePublish): TbMsg[] {
  const topic = DEVICE_TOPICS.get(topicName)
  if (topic === undefined) {
    throw new PublishRefused(
      REASON.TOPIC_NAME_INVALID,
      `no such topic: ${JSON.stringify(topicName)} (this service takes ${[...DEVICE_TOPICS.keys()].join(', ')})`
    )
  }
  if (!topic.gateway) {
    const posted = topic.api === 'attributes' ? [attributesPayload(payload)] : telemetryPayload(payload)
    return deviceMessages({ device, api: topic.api, posted, now })
  }
  if (!device.gateway) {
    throw new PublishRefused(
      REASON.NOT_AUTHORIZED,
      `device "${device.name}" is not a gateway (the devices file says "gateway": true for those)`
    )
  }
  const posts =
    topic.api === 'attributes' ? gatewayAttributesPayload(payload) : gatewayTelemetryPayload(payload)
  return posts.flatMap((post) =>
    deviceMessages({
      device: gatewayDevice(devicesByName, post.deviceName),
      api: topic.api,
      posted: post.values,
      now
    })
  )
}
