// A classic consumer-group coordinator (the Java broker's GroupCoordinator, much simplified):
// members join, the first becomes leader and gets everyone's subscriptions, its SyncGroup hands
// out assignments; a join, a leave or a missed session timeout starts a new generation. Members
// learn of a rebalance from REBALANCE_IN_PROGRESS on Heartbeat and rejoin.

import { randomUUID } from 'node:crypto'
import { ErrorCode } from '../protocol/error-codes.js'

/** A protocol a member offers (assignor name and its subscription bytes). */
export interface MemberProtocol {
  readonly name: string
  readonly metadata: Buffer
}

/** What JoinGroup answers. */
export interface JoinResult {
  readonly errorCode: number
  readonly generationId: number
  readonly protocolName: string | null
  readonly leader: string
  readonly memberId: string
  readonly members: readonly {
    readonly memberId: string
    readonly groupInstanceId: string | null
    readonly metadata: Buffer
  }[]
}

interface Member {
  readonly memberId: string
  readonly groupInstanceId: string | null
  protocols: readonly MemberProtocol[]
  sessionTimeoutMs: number
  rebalanceTimeoutMs: number
  lastSeen: number
  joining: ((result: JoinResult) => void) | undefined
  syncing: ((assignment: { errorCode: number; assignment: Buffer }) => void) | undefined
  assignment: Buffer
}

type State = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable'

class Group {
  state: State = 'Empty'
  generationId = 0
  protocolType: string | null = null
  protocolName: string | null = null
  leader = ''
  readonly members = new Map<string, Member>()
  readonly offsets = new Map<string, { offset: bigint; metadata: string | null }>()
  rebalanceTimer: NodeJS.Timeout | undefined
}

const failedJoin = (errorCode: number, memberId: string): JoinResult => ({
  errorCode,
  generationId: -1,
  protocolName: null,
  leader: '',
  memberId,
  members: []
})

/** Every consumer group of the broker. */
export class GroupCoordinator {
  readonly #groups = new Map<string, Group>()
  readonly #sweeper: NodeJS.Timeout

  constructor() {
    this.#sweeper = setInterval(() => this.#expire(), 500)
    this.#sweeper.unref()
  }

  /** Stops the session-timeout sweeper. */
  close(): void {
    clearInterval(this.#sweeper)
    for (const group of this.#groups.values()) clearTimeout(group.rebalanceTimer)
  }

  #group(groupId: string): Group {
    let group = this.#groups.get(groupId)
    if (group === undefined) {
      group = new Group()
      this.#groups.set(groupId, group)
    }
    return group
  }

  /** JoinGroup: resolves when the rebalance this join is part of completes. */
  join(request: {
    groupId: string
    memberId: string
    groupInstanceId: string | null
    protocolType: string
    protocols: readonly MemberProtocol[]
    sessionTimeoutMs: number
    rebalanceTimeoutMs: number
  }): Promise<JoinResult> {
    const group = this.#group(request.groupId)
    if (
      group.protocolType !== null &&
      group.members.size > 0 &&
      group.protocolType !== request.protocolType
    ) {
      return Promise.resolve(failedJoin(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, request.memberId))
    }
    let member = request.memberId === '' ? undefined : group.members.get(request.memberId)
    if (request.memberId !== '' && member === undefined)
      return Promise.resolve(failedJoin(ErrorCode.UNKNOWN_MEMBER_ID, request.memberId))
    if (member === undefined) {
      member = {
        memberId: `${request.groupInstanceId ?? 'member'}-${randomUUID()}`,
        groupInstanceId: request.groupInstanceId,
        protocols: request.protocols,
        sessionTimeoutMs: request.sessionTimeoutMs,
        rebalanceTimeoutMs: request.rebalanceTimeoutMs,
        lastSeen: Date.now(),
        joining: undefined,
        syncing: undefined,
        assignment: Buffer.alloc(0)
      }
      group.members.set(member.memberId, member)
    }
    member.protocols = request.protocols
    member.sessionTimeoutMs = request.sessionTimeoutMs
    member.rebalanceTimeoutMs = request.rebalanceTimeoutMs
    member.lastSeen = Date.now()
    group.protocolType = request.protocolType
    const joined = member
    const result = new Promise<JoinResult>((resolve) => (joined.joining = resolve))
    this.#prepareRebalance(group)
    this.#maybeCompleteJoin(group)
    return result
  }

  #prepareRebalance(group: Group): void {
    if (group.state === 'PreparingRebalance') return
    // Members waiting in SyncGroup learn that their generation is over.
    for (const member of group.members.values()) {
      member.syncing?.({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: Buffer.alloc(0) })
      member.syncing = undefined
    }
    group.state = 'PreparingRebalance'
    const timeout = Math.max(...[...group.members.values()].map((m) => m.rebalanceTimeoutMs), 1000)
    clearTimeout(group.rebalanceTimer)
    group.rebalanceTimer = setTimeout(() => {
      // Members that did not rejoin within the rebalance timeout are out.
      for (const [id, member] of group.members) if (member.joining === undefined) group.members.delete(id)
      this.#maybeCompleteJoin(group)
    }, timeout)
    group.rebalanceTimer.unref()
  }

  #maybeCompleteJoin(group: Group): void {
    if (group.state !== 'PreparingRebalance') return
    const members = [...group.members.values()]
    if (members.some((m) => m.joining === undefined)) return
    clearTimeout(group.rebalanceTimer)
    if (members.length === 0) {
      group.state = 'Empty'
      return
    }
    group.generationId++
    const first = members[0] as Member
    group.leader = group.members.has(group.leader) ? group.leader : first.memberId
    // The first protocol of the leader that every member supports (the Java broker votes).
    const leader = group.members.get(group.leader) as Member
    group.protocolName =
      leader.protocols.find((p) => members.every((m) => m.protocols.some((q) => q.name === p.name)))?.name ??
      null
    group.state = 'CompletingRebalance'
    for (const member of members) {
      const resolve = member.joining as (result: JoinResult) => void
      member.joining = undefined
      member.lastSeen = Date.now()
      resolve({
        errorCode: group.protocolName === null ? ErrorCode.INCONSISTENT_GROUP_PROTOCOL : ErrorCode.NONE,
        generationId: group.generationId,
        protocolName: group.protocolName,
        leader: group.leader,
        memberId: member.memberId,
        members:
          member.memberId === group.leader
            ? members.map((m) => ({
                memberId: m.memberId,
                groupInstanceId: m.groupInstanceId,
                metadata: m.protocols.find((p) => p.name === group.protocolName)?.metadata ?? Buffer.alloc(0)
              }))
            : []
      })
    }
  }

  /** SyncGroup: the leader's call carries every assignment; the others wait for it. */
  sync(request: {
    groupId: string
    generationId: number
    memberId: string
    assignments: readonly { memberId: string; assignment: Buffer }[]
  }): Promise<{ errorCode: number; assignment: Buffer }> {
    const group = this.#groups.get(request.groupId)
    const member = group?.members.get(request.memberId)
    const fail = (errorCode: number): Promise<{ errorCode: number; assignment: Buffer }> =>
      Promise.resolve({ errorCode, assignment: Buffer.alloc(0) })
    if (group === undefined || member === undefined) return fail(ErrorCode.UNKNOWN_MEMBER_ID)
    if (request.generationId !== group.generationId) return fail(ErrorCode.ILLEGAL_GENERATION)
    if (group.state === 'PreparingRebalance') return fail(ErrorCode.REBALANCE_IN_PROGRESS)
    member.lastSeen = Date.now()
    if (group.state === 'Stable')
      return Promise.resolve({ errorCode: ErrorCode.NONE, assignment: member.assignment })
    const result = new Promise<{ errorCode: number; assignment: Buffer }>(
      (resolve) => (member.syncing = resolve)
    )
    if (request.memberId === group.leader) {
      for (const m of group.members.values()) m.assignment = Buffer.alloc(0)
      for (const { memberId, assignment } of request.assignments) {
        const target = group.members.get(memberId)
        if (target !== undefined) target.assignment = assignment
      }
      group.state = 'Stable'
      for (const m of group.members.values()) {
        m.syncing?.({ errorCode: ErrorCode.NONE, assignment: m.assignment })
        m.syncing = undefined
      }
    }
    return result
  }

  /** Heartbeat: keeps the member in; tells it when a rebalance has started. */
  heartbeat(groupId: string, memberId: string, generationId: number): number {
    const group = this.#groups.get(groupId)
    const member = group?.members.get(memberId)
    if (group === undefined || member === undefined) return ErrorCode.UNKNOWN_MEMBER_ID
    member.lastSeen = Date.now()
    if (group.state === 'PreparingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS
    if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION
    return ErrorCode.NONE
  }

  /** LeaveGroup: the member goes; the others rebalance. */
  leave(groupId: string, memberId: string): number {
    const group = this.#groups.get(groupId)
    const member = group?.members.get(memberId)
    if (group === undefined || member === undefined) return ErrorCode.UNKNOWN_MEMBER_ID
    this.#remove(group, memberId)
    return ErrorCode.NONE
  }

  #remove(group: Group, memberId: string): void {
    const member = group.members.get(memberId)
    group.members.delete(memberId)
    member?.joining?.(failedJoin(ErrorCode.UNKNOWN_MEMBER_ID, memberId))
    member?.syncing?.({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, assignment: Buffer.alloc(0) })
    if (group.members.size === 0) {
      clearTimeout(group.rebalanceTimer)
      group.state = 'Empty'
      return
    }
    this.#prepareRebalance(group)
    this.#maybeCompleteJoin(group)
  }

  #expire(): void {
    const now = Date.now()
    for (const group of this.#groups.values()) {
      for (const member of [...group.members.values()]) {
        if (member.joining === undefined && now - member.lastSeen > member.sessionTimeoutMs)
          this.#remove(group, member.memberId)
      }
    }
  }

  /** OffsetCommit for one partition. */
  commit(groupId: string, topic: string, partition: number, offset: bigint, metadata: string | null): void {
    this.#group(groupId).offsets.set(`${topic}\0${partition}`, { offset, metadata })
  }

  /** The committed offset of a partition, or -1. */
  committed(groupId: string, topic: string, partition: number): { offset: bigint; metadata: string | null } {
    return this.#groups.get(groupId)?.offsets.get(`${topic}\0${partition}`) ?? { offset: -1n, metadata: null }
  }

  /** Every partition with a committed offset in the group. */
  committedPartitions(groupId: string): { topic: string; partition: number }[] {
    const group = this.#groups.get(groupId)
    if (group === undefined) return []
    return [...group.offsets.keys()].map((key) => {
      const [topic = '', partition = '0'] = key.split('\0')
      return { topic, partition: Number(partition) }
    })
  }
}
