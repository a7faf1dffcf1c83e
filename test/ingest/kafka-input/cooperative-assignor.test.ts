import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  assignCooperatively,
  decodeOwned,
  encodeOwned,
  type MemberClaim
} from '../../../src/ingest/kafka-input/cooperative-assignor.js'

const counts = new Map([['in', 12]])
const member = (memberId: string, owned: number[] = []): MemberClaim => ({
  memberId,
  topics: ['in'],
  owned: owned.length === 0 ? [] : [{ topic: 'in', partitions: owned }]
})
const plan = (members: MemberClaim[]): Record<string, number[]> =>
  Object.fromEntries(
    [...assignCooperatively(members, counts)].map(([id, a]) => [id, a.flatMap((t) => t.partitions)])
  )

test('a new group: every partition once, fair shares', () => {
  assert.deepEqual(plan([member('a'), member('b'), member('c')]), {
    a: [0, 3, 6, 9],
    b: [1, 4, 7, 10],
    c: [2, 5, 8, 11]
  })
})

test('a member joins: owners keep their fair share; what they give up goes to nobody this generation', () => {
  const members = [
    member('a', [0, 3, 6, 9]),
    member('b', [1, 4, 7, 10]),
    member('c', [2, 5, 8, 11]),
    member('d')
  ]
  assert.deepEqual(plan(members), { a: [0, 3, 6], b: [1, 4, 7], c: [2, 5, 8], d: [] })
  // The owners rejoin without what they gave up: now nobody owns 9, 10, 11 and the newcomer gets them.
  assert.deepEqual(
    plan([member('a', [0, 3, 6]), member('b', [1, 4, 7]), member('c', [2, 5, 8]), member('d')]),
    { a: [0, 3, 6], b: [1, 4, 7], c: [2, 5, 8], d: [9, 10, 11] }
  )
})

test('a member dies: its partitions go at once to those with room; nothing else moves', () => {
  assert.deepEqual(plan([member('a', [0, 3, 6, 9]), member('c', [2, 5, 8, 11])]), {
    a: [0, 3, 6, 9, 1, 7].sort((x, y) => x - y),
    c: [2, 5, 8, 11, 4, 10].sort((x, y) => x - y)
  })
})

test('a partition two members claim belongs to the first; bad claims are ignored', () => {
  assert.deepEqual(plan([member('a', [0, 1, 2, 3, 4, 5]), member('b', [5, 6, 7, 8, 9, 10, 11, 12, -1])]), {
    a: [0, 1, 2, 3, 4, 5],
    b: [6, 7, 8, 9, 10, 11]
  })
})

test('owned partitions travel as user data; anything else reads as nothing owned', () => {
  const owned = [{ topic: 'in', partitions: [1, 4] }]
  assert.deepEqual(decodeOwned(encodeOwned(owned)), owned)
  assert.deepEqual(decodeOwned(Buffer.from('not json')), [])
  assert.deepEqual(decodeOwned(Buffer.alloc(0)), [])
  assert.deepEqual(decodeOwned(undefined), [])
})
