/** ThingsBoard 4.x's EntityType names, in the enum's order. */
export const ENTITY_TYPES = [
  'TENANT',
  'CUSTOMER',
  'USER',
  'DASHBOARD',
  'ASSET',
  'DEVICE',
  'ALARM',
  'RULE_CHAIN',
  'RULE_NODE',
  'ENTITY_VIEW',
  'WIDGETS_BUNDLE',
  'WIDGET_TYPE',
  'TENANT_PROFILE',
  'DEVICE_PROFILE',
  'ASSET_PROFILE',
  'API_USAGE_STATE',
  'TB_RESOURCE',
  'OTA_PACKAGE',
  'EDGE',
  'RPC',
  'QUEUE',
  'NOTIFICATION_TARGET',
  'NOTIFICATION_TEMPLATE',
  'NOTIFICATION_REQUEST',
  'NOTIFICATION',
  'NOTIFICATION_RULE',
  'QUEUE_STATS',
  'OAUTH2_CLIENT',
  'DOMAIN',
  'MOBILE_APP',
  'MOBILE_APP_BUNDLE',
  'CALCULATED_FIELD',
  'JOB',
  'ADMIN_SETTINGS',
  'AI_MODEL',
  'API_KEY'
] as const

// EntityType overrides getNormalName for these, to keep the connections older chains use.
const SPECIAL_NAMES: Readonly<Record<string, string>> = { ENTITY_VIEW: 'Entity View', AI_MODEL: 'AI model' }

/**
 * EntityType.getNormalName: the name without a `TB_` prefix, lower case, `_` as spaces, first
 * letter capital (`DEVICE_PROFILE` -> `Device profile`); the relation of the entity type switch.
 */
export function entityTypeNormalName(entityType: string): string {
  const special = SPECIAL_NAMES[entityType]
  if (special !== undefined) return special
  const words = (entityType.startsWith('TB_') ? entityType.slice(3) : entityType)
    .toLowerCase()
    .replaceAll('_', ' ')
  return words.charAt(0).toUpperCase() + words.slice(1)
}
