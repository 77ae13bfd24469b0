/**
 * What a benchmark scenario is: it starts its servers, measures one round
 * (run.ts interleaves nothing across scenarios, but inside a round every
 * side is measured back to back, alternating), and turns the round into one
 * sample per figure. A figure is a ratio (or a time, or a size) computed
 * inside its round, so a slow moment of the machine hits both sides of it
 * alike. Unless it says `once`, a scenario is started afresh for every
 * round; the comparisons with a baseline start each side afresh just before
 * measuring it (alternateFresh says why), so a median over rounds is a
 * median over processes too.
 */
import { type LoadOptions, measure, type Result, type Target } from './load.js'

/** Figure is one line of the final table: what is compared, in what unit, and the target. */
export interface Figure {
  readonly name: string
  /** unit of the value: "×" for a ratio, "s", "MB". */
  readonly unit: string
  readonly target?: { readonly op: '≥' | '≤'; readonly value: number }
}

/** Sample is a figure's value in one round, with the measured sides it was computed from. */
export interface Sample {
  readonly value: number
  /** sides are the measurements behind value, e.g. each side's req/s, in sidesUnit. */
  readonly sides: Readonly<Record<string, number>>
  readonly sidesUnit: string
  /**
   * byCpu is a throughput ratio's counterpart from the servers' CPU per call
   * (b's over a's): equal to it when both saturate their core, and far less
   * moved by other processes taking that core away for a while.
   */
  readonly byCpu?: number
  readonly errors: number
}

/** Started is a running scenario. */
export interface Started {
  readonly figures: readonly Figure[]
  /** round measures every side once and returns one sample per figure, in order. */
  round(r: number, o: LoadOptions): Promise<readonly Sample[]>
  stop(): Promise<void>
}

/** Scenario is one benchmark topic; bench/run.ts starts each in turn. */
export interface Scenario {
  readonly name: string
  /**
   * once keeps one start for every round: for a figure that accumulates over
   * rounds (RSS after the soak) or a scenario that launches its own
   * processes inside each round (start-up, and every alternateFresh one).
   */
  readonly once?: boolean
  /** optIn leaves the scenario out of a plain `npm run bench`; it runs when named (`npm run bench -- NAME`). */
  readonly optIn?: boolean
  start(): Promise<Started>
}

/** Add registers a starting server (or any stoppable) so that the scenario's stop() stops it. */
export type Add = <S extends { stop(): Promise<void> }>(starting: Promise<S>) => Promise<S>

/**
 * started builds a Started whose stop() stops everything add() was given, last first; if
 * building fails half-way, what had started is stopped before the error
 * goes on, so a failed scenario leaves no process behind.
 */
export async function started(build: (add: Add) => Promise<Omit<Started, 'stop'>>): Promise<Started> {
  const starting: Promise<{ stop(): Promise<void> }>[] = []
  const add: Add = (s) => (starting.push(s), s)
  const stop = async (): Promise<void> => {
    const all = await Promise.allSettled(starting)
    for (const s of all.reverse()) if (s.status === 'fulfilled') await s.value.stop()
  }
  try {
    return { ...(await build(add)), stop }
  } catch (err) {
    await stop()
    throw err
  }
}

/** throughput is a's req/s over b's, with both as the sides. */
export function throughput(a: readonly [string, Result], b: readonly [string, Result]): Sample {
  const sides = { [a[0]]: a[1].rps, [b[0]]: b[1].rps }
  return { value: a[1].rps / b[1].rps, sides, sidesUnit: 'req/s', byCpu: b[1].cpuUs / a[1].cpuUs, errors: a[1].errors + b[1].errors }
}

/** cpuPerCall is a's server CPU per call over b's, with both as the sides. */
export function cpuPerCall(a: readonly [string, Result], b: readonly [string, Result]): Sample {
  return { value: a[1].cpuUs / b[1].cpuUs, sides: { [a[0]]: a[1].cpuUs, [b[0]]: b[1].cpuUs }, sidesUnit: 'µs CPU/call', errors: a[1].errors + b[1].errors }
}

/** answerOf is a server's status and body for one request; alternateFresh compares it across sides. */
async function answerOf(url: string, init: RequestInit): Promise<string> {
  const res = await fetch(url, init)
  return `${res.status} ${await res.text()}`
}

/** post is the RequestInit of a JSON POST. */
export function post(body: string): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/json' }, body }
}

/** Running is one side of a comparison, started: the target to load and how to stop its servers. */
export interface Running {
  readonly target: Target
  stop(): Promise<void>
}

/** Side starts the servers of one side of a comparison and returns its target. */
export type Side = () => Promise<Running>

/**
 * alternateFresh measures each side right after starting its servers, and
 * stops them before the next side starts, in reverse order on odd rounds.
 * No server waits idle while another is measured: on Node 20 an idle
 * process gets a memory-reducing garbage collection some seconds after it
 * starts, after which it serves a small route about a sixth slower for the
 * rest of its life (README, "Benchmark"); a side that waited through the
 * other's measurement was, or was not, measured in that state by the luck
 * of the timing. Before its measurement each side must answer check (a
 * request) with the same status and body as the sides before it, so a
 * baseline cannot be faster by doing less.
 */
export async function alternateFresh<T extends readonly Side[]>(round: number, sides: T, o: LoadOptions, check: RequestInit = {}): Promise<{ -readonly [K in keyof T]: Result }> {
  const order = sides.map((_, i) => i)
  if (round % 2 === 1) order.reverse()
  const results: Result[] = []
  let first: { url: string; answer: string } | undefined
  for (const i of order) {
    const side = await (sides[i] as Side)()
    try {
      const answer = await answerOf(side.target.url, check)
      if (first !== undefined && answer !== first.answer) throw new Error(`${side.target.url} answered ${answer}, but ${first.url} answered ${first.answer}`)
      first ??= { url: side.target.url, answer }
      results[i] = await measure(side.target, o)
    } finally {
      await side.stop()
    }
  }
  return results as { -readonly [K in keyof T]: Result }
}
