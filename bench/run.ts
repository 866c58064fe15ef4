/**
 * npm run bench — every `bench:*` script of package.json, on SQLite and,
 * when BENCH_PG_URL is set (a database whose name contains "bench"), on
 * PostgreSQL; then the table of issue #24's figures and
 * tmp/bench/results.json (one object per benchmark and engine: figures,
 * ratios, engine, Node version, CPU count) so two runs can be compared.
 *
 *   npm run bench                       all of them
 *   npm run bench -- --only webhooks,insights
 *   npm run bench -- --engine pg        only PostgreSQL (needs BENCH_PG_URL)
 *   npm run bench -- --quick            smaller sizes (a smoke run, not the figures)
 *
 * Each benchmark runs in its own process, one after the other: the
 * ratios compare figures measured in the same process and run.
 */
import { spawn } from 'node:child_process'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { availableParallelism, cpus, loadavg } from 'node:os'
import { join } from 'node:path'

type Figures = Record<string, number | string | null>
type Result = {
  benchmark: string
  engine: 'sqlite' | 'pg'
  node: string
  cpus: number
  cpuModel: string
  startedAt: string
  seconds: number
  /** 1-minute load average when the benchmark started and ended: a loaded machine's figures mean less */
  loadAverage: { start: number; end: number }
  exitCode: number | null
  figures: Figures
  /** the benchmark's own lines, for what the figures leave out */
  output: string[]
}

const root = process.cwd()
const outDir = join(root, 'tmp', 'bench')
const args = process.argv.slice(2)
const option = (name: string) => {
  const index = args.indexOf(`--${name}`)
  return index === -1 ? null : (args[index + 1] ?? '')
}
const quick = args.includes('--quick')

/** the sizes the issue's table is measured at; --quick shrinks them */
const flagsFor: Record<string, string[]> = quick
  ? {
      'webhooks': ['--deliveries', '400', '--concurrency', '50'],
      'insights': ['--repositories', '20', '--pulls', '2000', '--requests', '300'],
      'noa': ['--requests', '30'],
      'github': ['--repositories', '5', '--pulls', '100', '--large-pulls', '1000'],
      'scale': ['--deliveries', '200'],
      'ai-code': ['--files', '1000', '--lines', '100'],
    }
  : {
      webhooks: ['--deliveries', '3000', '--concurrency', '200'],
      github: ['--repositories', '50', '--pulls', '200', '--large-pulls', '2000'],
    }

/** engine-independent benchmarks (fake providers, counts of requests) run once, on SQLite */
const pgOnly = new Set(['scale'])

async function scripts() {
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'))
  const names = Object.keys(pkg.scripts)
    .filter((name) => name.startsWith('bench:'))
    .map((name) => name.slice('bench:'.length))
  const only = option('only')?.split(',').filter(Boolean)
  return only ? names.filter((name) => only.includes(name)) : names
}

function run(name: string, engine: 'sqlite' | 'pg', resultFile: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, BENCH_RESULT_FILE: resultFile }
  if (engine === 'pg') {
    env.DB_CONNECTION = 'pg'
    env.DATABASE_URL = process.env.BENCH_PG_URL
  } else {
    delete env.DB_CONNECTION
  }
  const extra = flagsFor[name] ?? []
  return new Promise<{ code: number | null; lines: string[] }>((resolve) => {
    const child = spawn('npm', ['run', '--silent', `bench:${name}`, '--', ...extra], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    const tee = (chunk: Buffer) => {
      output += chunk
      process.stdout.write(chunk)
    }
    child.stdout.on('data', tee)
    child.stderr.on('data', tee)
    child.on('close', (code) =>
      resolve({ code, lines: output.split('\n').filter((line) => line.trim()) })
    )
  })
}

async function main() {
  await mkdir(outDir, { recursive: true })
  const engines: Array<'sqlite' | 'pg'> = []
  const wanted = option('engine')
  if (wanted !== 'pg') engines.push('sqlite')
  if (wanted !== 'sqlite' && process.env.BENCH_PG_URL) engines.push('pg')
  if (wanted === 'pg' && !process.env.BENCH_PG_URL) {
    console.error(
      '--engine pg needs BENCH_PG_URL (a PostgreSQL database whose name contains "bench")'
    )
    process.exit(1)
  }
  const results: Result[] = []
  for (const engine of engines) {
    for (const name of await scripts()) {
      if (engine === 'sqlite' && pgOnly.has(name)) continue
      const enginesFor = ['webhooks', 'insights', 'scale']
      if (engine === 'pg' && !enginesFor.includes(name)) continue
      console.log(`\n=== bench:${name} (${engine}) ===`)
      const resultFile = join(outDir, `${name}-${engine}.jsonl`)
      await rm(resultFile, { force: true })
      const started = performance.now()
      const loadAtStart = loadavg()[0]
      const { code, lines } = await run(name, engine, resultFile)
      const recorded = await readFile(resultFile, 'utf8').catch(() => '')
      const figures: Figures = {}
      for (const line of recorded.split('\n').filter(Boolean)) {
        Object.assign(figures, JSON.parse(line).figures)
      }
      results.push({
        benchmark: name,
        engine,
        node: process.version,
        cpus: availableParallelism(),
        cpuModel: cpus()[0]?.model ?? 'unknown',
        startedAt: new Date().toISOString(),
        seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
        loadAverage: { start: loadAtStart, end: loadavg()[0] },
        exitCode: code,
        figures,
        output: lines.filter((line) => !line.startsWith('>')),
      })
    }
  }
  const file = join(outDir, 'results.json')
  await writeFile(file, JSON.stringify(results, null, 2) + '\n')
  console.log('\n' + table(results))
  console.log(`\nwritten: ${file}`)
  const failed = results.filter((result) => result.exitCode !== 0)
  if (failed.length) {
    console.error(`failed: ${failed.map((r) => `${r.benchmark} (${r.engine})`).join(', ')}`)
    process.exit(1)
  }
}

function table(results: Result[]) {
  const get = (benchmark: string, engine: string) =>
    results.find((r) => r.benchmark === benchmark && r.engine === engine)?.figures
  const cell = (engine: string, render: (f: (b: string) => Figures | undefined) => string) => {
    try {
      return render((benchmark) => get(benchmark, engine))
    } catch {
      return '—'
    }
  }
  const need = (figures: Figures | undefined) => {
    if (!figures || Object.keys(figures).length === 0) throw new Error('not run')
    return figures
  }
  const rows: Array<[string, (f: (b: string) => Figures | undefined) => string, string]> = [
    [
      'webhooks accepted / raw single-row inserts',
      (f) => {
        const w = need(f('webhooks'))
        return `${w.acceptedPerSecond}/s ÷ ${w.rawInsertsPerSecond}/s = **${w.ratio}**, p99 ${w.p99Ms} ms at ${w.concurrency}; ${w.queriesPerDelivery} SQL/delivery${w.bareRatio === undefined ? '' : `; bare route / raw inserts ${w.bareRatio}`}${w.cpuMsPerDelivery === undefined ? '' : `; server CPU ${w.cpuMsPerDelivery} ms/delivery (bare ${w.cpuMsPerBareRequest}, raw insert ${w.rawInsertCpuMs})`}`
      },
      '≥ 0.5, p99 < 50 ms at 200 concurrent',
    ],
    [
      'Executive Summary / bare route (50 concurrent, production mode)',
      (f) => {
        const i = need(f('insights'))
        return `${i.summaryRequestsPerSecond} ÷ ${i.bareRequestsPerSecond} req/s = **${i.summaryRatio}** (p95 ${i.summaryP95Ms} ms); ${i.queriesPerPage} SQL/page`
      },
      '≥ 0.30, p95 < 100 ms',
    ],
    [
      '`calculate:scores` / one raw aggregate',
      (f) => {
        const i = need(f('insights'))
        return `**${i.scoresRatio}** (${i.scoresMs} ms, ${i.scoresQueries} SQL; ${i.pullRequests} PRs)`
      },
      '≤ 2',
    ],
    [
      'whole-history rollup + scores / one raw aggregate',
      (f) => {
        const i = need(f('insights'))
        return `**${i.rollUpAndScoresRatio}** (${((Number(i.rollUpMs) + Number(i.scoresMs)) / 1000).toFixed(1)} s, ${i.rollUpQueries} SQL; rollup alone ${i.rollUpRatio}; refresh after a sync / whole history ${i.refreshToRollUpRatio})`
      },
      '≤ 30',
    ],
    [
      'Noa endpoint overhead, zero-latency model',
      (f) => {
        const n = need(f('noa'))
        return `p95 ${n.textP95Ms} ms text, ${n.photoP95Ms} ms photo (overhead ${n.textOverheadP95Ms} / ${n.photoOverheadP95Ms} ms); ${n.requestsPerSecond} req/s at ${n.concurrency}; ${n.queriesPerRequest} SQL/request`
      },
      'p95 < 15 ms text, < 40 ms photo; ≥ 250 req/s',
    ],
    [
      'web server RSS under the insights benchmark',
      (f) => {
        const i = need(f('insights'))
        return `peak ${i.serverPeakRssMiB} MiB, idle after boot ${i.serverIdleRssMiB} MiB`
      },
      '≤ 250 MiB; idle ≤ 150 MiB',
    ],
    [
      'GitHub sync peak RSS',
      (f) => {
        const g = need(f('github'))
        const large =
          g.largePeakRssMiB === null
            ? ''
            : `, ${g.largePeakRssMiB} MiB (${g.repositories} × ${g.largePullsPerRepository}), ratio ${g.peakRssRatio}`
        return `${g.peakRssMiB} MiB (${g.repositories} × ${g.pullsPerRepository})${large}; ${g.queriesPerPage} SQL/page`
      },
      '≤ 250 MiB, flat from 10k to 100k',
    ],
  ]
  const loads = results.map(
    (r) =>
      `${r.benchmark} (${r.engine}) ${r.loadAverage.start.toFixed(1)} → ${r.loadAverage.end.toFixed(1)}`
  )
  const lines = [
    `${availableParallelism()} CPUs; 1-minute load average at start → end: ${loads.join(', ')}`,
    '',
    '| benchmark | SQLite | PostgreSQL | goal |',
    '|---|---|---|---|',
    ...rows.map(
      ([label, render, goal]) =>
        `| ${label} | ${cell('sqlite', render)} | ${cell('pg', render)} | ${goal} |`
    ),
  ]
  const others = results.filter(
    (r) => !['webhooks', 'insights', 'noa', 'github'].includes(r.benchmark)
  )
  if (others.length) {
    lines.push('', 'Other benchmarks (their own lines):')
    for (const r of others) {
      lines.push(`- ${r.benchmark} (${r.engine}${r.exitCode === 0 ? '' : `, exit ${r.exitCode}`}):`)
      for (const line of r.output.slice(-6)) lines.push(`    ${line}`)
    }
  }
  return lines.join('\n')
}

await main()
