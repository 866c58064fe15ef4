/**
 * The sweep over a file's facts (docs/ai_code.md): the file's lines are
 * cut at every fact's boundaries, and each stretch between two boundaries
 * is what its strongest covering fact says (among facts of one source,
 * the latest written); a stretch some other covering fact labels
 * otherwise is a disagreement. Work and memory follow the facts, not the
 * lines.
 */
export const RANK: Record<string, number> = { attestation: 4, git_ai: 3, analyzer: 2, trailer: 1 }

export type SweptFact = {
  id: number | string
  source: string
  origin: string
  start_line: number
  end_line: number
}

export type Stretch<F> = {
  from: number
  to: number
  winner: F
  /** another covering fact labels these lines otherwise */
  disagreement: boolean
  /** every fact covering these lines */
  covering: F[]
}

export function sweepFacts<F extends SweptFact>(facts: F[], visit: (stretch: Stretch<F>) => void) {
  const ranked = facts.map((fact) => ({
    fact,
    id: Number(fact.id),
    rank: RANK[fact.source] ?? 0,
    start: Number(fact.start_line),
    end: Number(fact.end_line),
  }))
  const bounds = [...new Set(ranked.flatMap((entry) => [entry.start, entry.end + 1]))].sort(
    (a, b) => a - b
  )
  const byStart = [...ranked].sort((a, b) => a.start - b.start)
  let next = 0
  let active: typeof ranked = []
  for (let index = 0; index < bounds.length - 1; index++) {
    const from = bounds[index]
    while (next < byStart.length && byStart[next].start <= from) active.push(byStart[next++])
    active = active.filter((entry) => entry.end >= from)
    if (active.length === 0) continue
    let winner = active[0]
    for (const entry of active) {
      if (entry.rank > winner.rank || (entry.rank === winner.rank && entry.id > winner.id)) {
        winner = entry
      }
    }
    visit({
      from,
      to: bounds[index + 1] - 1,
      winner: winner.fact,
      disagreement: active.some((entry) => entry.fact.origin !== winner.fact.origin),
      covering: active.map((entry) => entry.fact),
    })
  }
}

/**
 * The file's stretches with their winner, consecutive stretches of the
 * same winner and the same disagreement joined: what the file view
 * colours by origin.
 */
export function lineRanges<F extends SweptFact>(facts: F[]) {
  const ranges: Array<Stretch<F>> = []
  sweepFacts(facts, (stretch) => {
    const last = ranges.at(-1)
    if (
      last &&
      last.to + 1 === stretch.from &&
      last.winner === stretch.winner &&
      last.disagreement === stretch.disagreement
    ) {
      last.to = stretch.to
      for (const fact of stretch.covering)
        if (!last.covering.includes(fact)) last.covering.push(fact)
    } else {
      ranges.push({ ...stretch, covering: [...stretch.covering] })
    }
  })
  return ranges
}
