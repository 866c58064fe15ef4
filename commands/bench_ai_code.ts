import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { POSITIVE_COUNT } from '#validators/cli'

/**
 * npm run bench:ai-code — issue #21's benchmark: a generated repository
 * (10,000 files, 1,000,000 lines by default) is written to disk with an
 * analyzer's output labelling each file in three chunks (AI, blended,
 * human); the output is imported (which rebuilds the composition and the
 * GBOM), then the GBOM is rebuilt again from the stored facts alone.
 * Figures: seconds of each step, peak RSS, SQL statements, and the ratio
 * of each to one plain read of the same files, all measured in this one
 * run (never a timed test).
 */
export default class BenchAiCode extends BaseCommand {
  static commandName = 'bench:ai-code'
  static description =
    'Benchmark: composition and GBOM of a generated repository versus one plain read of its files'
  static options: CommandOptions = { startApp: true }
  static defaultNumberBounds = POSITIVE_COUNT

  @flags.number({ description: 'Files in the generated repository', default: 10_000 })
  declare files: number

  @flags.number({ description: 'Lines per file', default: 100 })
  declare lines: number

  async run() {
    const { mkdir, rm, writeFile, readFile, readdir } = await import('node:fs/promises')
    const { join } = await import('node:path')
    const { prepareBenchDatabase, benchConnection, recordBenchResult, inProcessQueryCounter } =
      await import('#bench/support')
    const { pluginRegistry } = await import('#services/plugins/registry')
    const { connectionHandle } = await import('#services/plugins/connection_handle')
    const { default: ImportAiEngineData } = await import('#actions/ai_code/import_ai_engine_data')
    const { default: RegenerateGbom } = await import('#actions/ai_code/regenerate_gbom')

    await prepareBenchDatabase()
    const queryCount = await inProcessQueryCounter()
    // no request is made: the connection only owns the repository
    const connection = await benchConnection('http://127.0.0.1:9')
    const handle = connectionHandle(connection, pluginRegistry.require(connection.pluginId))
    await handle.store.upsertRepositories([
      { externalId: 'bench', name: 'monolith', fullName: 'bench/monolith' },
    ])
    const organizationId = connection.organizationId
    if (organizationId === null) throw new Error('the bench connection has no organisation')

    const folder = join(process.cwd(), 'tmp', 'bench', 'ai-code')
    const tree = join(folder, 'repository')
    await rm(folder, { recursive: true, force: true })
    const commit = 'a'.repeat(40)
    const total = this.files * this.lines
    const ai = Math.floor(this.lines * 0.3)
    const blended = Math.floor(this.lines * 0.1)
    const { createHash } = await import('node:crypto')
    const { createWriteStream } = await import('node:fs')
    await mkdir(folder, { recursive: true })
    const outputFile = join(folder, 'output.jsonl')
    // written as it goes: the bench's own memory stays out of the figures
    const output = createWriteStream(outputFile)
    let outputLines = 0
    for (let index = 0; index < this.files; index++) {
      const dir = `src/module${Math.floor(index / 100)}`
      const path = `${dir}/file${index}.ts`
      if (index % 100 === 0) await mkdir(join(tree, dir), { recursive: true })
      const body: string[] = []
      for (let line = 1; line <= this.lines; line++) {
        body.push(`export const value${line} = ${index} * ${line} // line ${line} of ${path}`)
      }
      const content = body.join('\n') + '\n'
      await writeFile(join(tree, path), content)
      const sha256 = createHash('sha256').update(content).digest('hex')
      const chunk = (start: number, end: number, label: string) =>
        JSON.stringify({
          repository: 'bench/monolith',
          commit,
          path,
          start_line: start,
          end_line: end,
          language: 'TypeScript',
          label,
          probability: 0.9,
          engine: 'bench',
          engine_version: '1.0.0',
          sha256,
        })
      const chunks: string[] = []
      if (ai > 0) chunks.push(chunk(1, ai, 'ai'))
      if (blended > 0) chunks.push(chunk(ai + 1, ai + blended, 'blended'))
      if (ai + blended < this.lines) chunks.push(chunk(ai + blended + 1, this.lines, 'human'))
      outputLines += chunks.length
      if (!output.write(chunks.join('\n') + '\n')) {
        await new Promise<void>((resolve) => output.once('drain', () => resolve()))
      }
    }
    await new Promise<void>((resolve) => output.end(() => resolve()))
    this.logger.log(
      `repository: ${this.files} files × ${this.lines} lines = ${total} lines, ${outputLines} analyzer chunks`
    )

    // one plain read of the same files: every file read and its lines counted
    const plainMemory = phaseMemory()
    let started = performance.now()
    let readLines = 0
    for (const dir of await readdir(join(tree, 'src'))) {
      for (const name of await readdir(join(tree, 'src', dir))) {
        const text = await readFile(join(tree, 'src', dir, name), 'utf8')
        for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) readLines++
      }
    }
    const plainSeconds = (performance.now() - started) / 1000
    const plainPeak = plainMemory.stop()
    if (readLines !== total) throw new Error(`read ${readLines} lines, expected ${total}`)

    const rssBeforeMiB = Math.round(process.resourceUsage().maxRSS / 1024)
    let queriesBefore = queryCount()
    const importMemory = phaseMemory()
    started = performance.now()
    await new ImportAiEngineData().execute({ organizationId, path: outputFile })
    const importSeconds = (performance.now() - started) / 1000
    const importQueries = queryCount() - queriesBefore
    const importPeak = importMemory.stop()

    queriesBefore = queryCount()
    const gbomMemory = phaseMemory()
    started = performance.now()
    const rebuilt = await new RegenerateGbom().execute({ organizationId })
    const gbomSeconds = (performance.now() - started) / 1000
    const gbomQueries = queryCount() - queriesBefore
    const gbomPeak = gbomMemory.stop()
    const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024)

    const { default: db } = await import('@adonisjs/lucid/services/db')
    const gbom = await db.from('ai_code_gboms').where('organization_id', organizationId).first()
    const counted = Number(gbom.ai_lines) + Number(gbom.blended_lines) + Number(gbom.human_lines)
    if (rebuilt.repositories !== 1 || counted !== total) {
      throw new Error(`the GBOM counts ${counted} lines, expected ${total}`)
    }
    await rm(folder, { recursive: true, force: true })

    const ratio = (seconds: number) => Math.round((seconds / plainSeconds) * 10) / 10
    const round = (seconds: number) => Math.round(seconds * 1000) / 1000
    this.logger.log(`plain read:              ${round(plainSeconds)} s`)
    this.logger.log(
      `import + composition + GBOM: ${round(importSeconds)} s (${ratio(importSeconds)}× the plain read), ${importQueries} SQL statements`
    )
    this.logger.log(
      `GBOM rebuild from facts: ${round(gbomSeconds)} s (${ratio(gbomSeconds)}× the plain read), ${gbomQueries} SQL statements`
    )
    const memoryRatio = (peak: { growthMiB: number }) =>
      Math.round((peak.growthMiB / Math.max(1, plainPeak.growthMiB)) * 10) / 10
    this.logger.log(
      `peak RSS during the plain read: ${plainPeak.peakMiB} MiB (+${plainPeak.growthMiB} MiB over its start, JS heap +${plainPeak.heapGrowthMiB} MiB)`
    )
    this.logger.log(
      `peak RSS during the import:     ${importPeak.peakMiB} MiB (+${importPeak.growthMiB} MiB, ${memoryRatio(importPeak)}× the plain read's growth; JS heap +${importPeak.heapGrowthMiB} MiB)`
    )
    this.logger.log(
      `peak RSS during the rebuild:    ${gbomPeak.peakMiB} MiB (+${gbomPeak.growthMiB} MiB, ${memoryRatio(gbomPeak)}× the plain read's growth; JS heap +${gbomPeak.heapGrowthMiB} MiB)`
    )
    this.logger.log(
      `peak RSS of the process: ${peakRssMiB} MiB (${rssBeforeMiB} MiB before the import); GBOM totals ${gbom.ai_lines} AI, ${gbom.blended_lines} blended, ${gbom.human_lines} human`
    )
    await recordBenchResult('ai-code', {
      files: this.files,
      lines: total,
      plainReadSeconds: round(plainSeconds),
      importSeconds: round(importSeconds),
      importQueries,
      gbomSeconds: round(gbomSeconds),
      gbomQueries,
      importToPlainRead: ratio(importSeconds),
      gbomToPlainRead: ratio(gbomSeconds),
      peakRssMiB,
      rssBeforeImportMiB: rssBeforeMiB,
      plainReadPeakRssMiB: plainPeak.peakMiB,
      importPeakRssMiB: importPeak.peakMiB,
      importRssGrowthMiB: importPeak.growthMiB,
      gbomPeakRssMiB: gbomPeak.peakMiB,
      gbomRssGrowthMiB: gbomPeak.growthMiB,
      importRssGrowthToPlainRead: memoryRatio(importPeak),
      gbomRssGrowthToPlainRead: memoryRatio(gbomPeak),
    })
  }
}

/**
 * The resident set of one phase: a collection first (when the process
 * runs with --expose-gc) so garbage of the phase before does not count,
 * then the largest RSS sampled every 10 ms until stop().
 */
function phaseMemory() {
  const collect = (globalThis as { gc?: () => void }).gc
  collect?.()
  const mib = (bytes: number) => Math.round(bytes / 1024 / 1024)
  const start = process.memoryUsage.rss()
  const heapStart = process.memoryUsage().heapUsed
  let peak = start
  let heapPeak = heapStart
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage.rss())
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed)
  }
  const timer = setInterval(sample, 10)
  return {
    stop() {
      clearInterval(timer)
      sample()
      return {
        peakMiB: mib(peak),
        growthMiB: mib(peak - start),
        heapGrowthMiB: mib(heapPeak - heapStart),
      }
    },
  }
}
