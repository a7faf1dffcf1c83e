/** Relation names used by the built-in nodes, as ThingsBoard's TbNodeConnectionType. */
export const Relation = {
  SUCCESS: 'Success',
  FAILURE: 'Failure',
  TRUE: 'True',
  FALSE: 'False',
  OTHER: 'Other'
} as const
