// How the group leader shares partitions out, so that no partition ever has two members working
// on it: the idea of Kafka's cooperative-sticky assignor (KIP-429) on the classic protocol. Each
// member tells in its subscription which partitions it owns (holds, or is still finishing). A
// partition stays with its owner up to the owner's fair share; one the owner must give up is
// given to nobody in this generation: the owner finishes its messages, commits, and rejoins
// without it, and the next generation hands it to a member with room. Partitions nobody owns (a
// member died or left, a new group) go at once to the members with the fewest.

/** One topic's partitions. */
export interface TopicPartitions {
  readonly topic: string
  readonly partitions: readonly number[]
}

/** A member as the leader sees it in the JoinGroup answer. */
export interface MemberClaim {
  readonly memberId: string
  readonly topics: readonly string[]
  readonly owned: readonly TopicPartitions[]
}

/** The partitions of each member for the next generation. */
export function assignCooperatively(
  members: readonly MemberClaim[],
  partitionCounts: ReadonlyMap<string, number>
): Map<string, TopicPartitions[]> {
  const result = new Map<string, TopicPartitions[]>(members.map((m) => [m.memberId, []]))
  const topics = [...new Set(members.flatMap((m) => m.topics))].sort()
  for (const topic of topics) {
    const count = partitionCounts.get(topic) ?? 0
    const subscribed = members
      .filter((m) => m.topics.includes(topic))
      .sort((a, b) => compare(a.memberId, b.memberId))
    if (subscribed.length === 0 || count === 0) continue
    // Each partition's owner: the first subscribed member that claims it.
    const owner = new Map<number, string>()
    const owns = new Map<string, number[]>(subscribed.map((m) => [m.memberId, []]))
    for (const member of subscribed) {
      for (const claim of member.owned) {
        if (claim.topic !== topic) continue
        for (const p of claim.partitions) {
          if (p < 0 || p >= count || owner.has(p)) continue
          owner.set(p, member.memberId)
          owns.get(member.memberId)?.push(p)
        }
      }
    }
    // Fair shares: the members owning most get the larger shares, so that fewer partitions move.
    const base = Math.floor(count / subscribed.length)
    let larger = count % subscribed.length
    const byOwned = [...subscribed].sort(
      (a, b) =>
        (owns.get(b.memberId)?.length ?? 0) - (owns.get(a.memberId)?.length ?? 0) ||
        compare(a.memberId, b.memberId)
    )
    const share = new Map<string, number>()
    for (const member of byOwned) share.set(member.memberId, base + (larger-- > 0 ? 1 : 0))
    const assigned = new Map<string, number[]>(subscribed.map((m) => [m.memberId, []]))
    for (const member of subscribed) {
      const mine = (owns.get(member.memberId) ?? []).sort((a, b) => a - b)
      // What is beyond the share stays unassigned: its owner finishes it first (see above).
      assigned.set(member.memberId, mine.slice(0, share.get(member.memberId)))
    }
    for (let p = 0; p < count; p++) {
      if (owner.has(p)) continue
      const room = subscribed
        .filter((m) => (assigned.get(m.memberId)?.length ?? 0) < (share.get(m.memberId) ?? 0))
        .sort(
          (a, b) =>
            (assigned.get(a.memberId)?.length ?? 0) - (assigned.get(b.memberId)?.length ?? 0) ||
            compare(a.memberId, b.memberId)
        )[0]
      // Always found: the shares add up to the partition count, and owners keep at most theirs.
      if (room !== undefined) assigned.get(room.memberId)?.push(p)
    }
    for (const [memberId, partitions] of assigned) {
      if (partitions.length > 0)
        result.get(memberId)?.push({ topic, partitions: [...partitions].sort((a, b) => a - b) })
    }
  }
  return result
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/** A member's owned partitions as subscription user data (JSON). */
export function encodeOwned(owned: readonly TopicPartitions[]): Buffer {
  return Buffer.from(JSON.stringify(owned.map((o) => [o.topic, o.partitions])), 'utf8')
}

/** The owned partitions in a member's user data; none when it holds something else. */
export function decodeOwned(data: Buffer | null | undefined): TopicPartitions[] {
  if (data === null || data === undefined || data.length === 0) return []
  try {
    const parsed: unknown = JSON.parse(data.toString('utf8'))
    if (!Array.isArray(parsed)) return []
    return parsed.flatMap((entry: unknown) => {
      if (!Array.isArray(entry) || typeof entry[0] !== 'string' || !Array.isArray(entry[1])) return []
      const partitions = (entry[1] as unknown[]).filter((p): p is number => Number.isInteger(p))
      return [{ topic: entry[0], partitions }]
    })
  } catch {
    return []
  }
}
