import { chmod, lstat, mkdir, open, unlink, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import { Transform, Writable, type TransformCallback } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { ArchiveLimitError, type ExtractLimits } from './archive_errors.js'
import { placeEntry, type EntryPlacement } from './entry_paths.js'
import type { ExtractOptions, ExtractReport } from './safe_extract.js'

const MAX_LISTED_SKIPS = 100
const PROGRESS_EVERY_BYTES = 16 * 1024 ** 2
export const DIRECTORY_MODE = 0o755

export type InsidePlacement = Extract<EntryPlacement, { kind: 'inside' }>

/** an entry's data as a parser hands it over (tar-stream's streamx or a Node stream) */
export type EntryBody = NodeJS.ReadableStream | AsyncIterable<unknown>

/**
 * What every archive format shares once its parser has named an entry:
 * where it may go, the folders and files written into the staging folder
 * (regular files and folders only, never through a link), the limits on
 * entries and bytes, the report, and the first failure, which stops
 * everything still running. Tar and zip differ only in how entries come.
 */
export class StagedWriter {
  readonly report: ExtractReport = {
    files: 0,
    directories: 0,
    bytes: 0,
    skipped: [],
    skippedCount: 0,
  }
  /** aborted at the first failure: stops the streams and any entry mid-way */
  readonly stop = new AbortController()

  readonly #root: string
  readonly #limits: ExtractLimits
  readonly #stripComponents: number
  readonly #onProgress: ExtractOptions['onProgress']
  /** relative paths of the folders made so far, so each is created once */
  readonly #directories = new Set<string>()
  #failure: { error: unknown } | undefined
  #entriesSeen = 0

  constructor(
    root: string,
    limits: ExtractLimits,
    stripComponents: number,
    onProgress: ExtractOptions['onProgress']
  ) {
    this.#root = root
    this.#limits = limits
    this.#stripComponents = stripComponents
    this.#onProgress = onProgress
  }

  get limits(): Readonly<ExtractLimits> {
    return this.#limits
  }

  get failure() {
    return this.#failure
  }

  /** Keeps the first failure and stops everything still running. */
  fail(error: unknown) {
    if (this.#failure) return
    this.#failure = { error }
    this.stop.abort(error)
  }

  /** Counts one more entry of any kind, refusing one past the limit. */
  countEntry() {
    this.#entriesSeen += 1
    if (this.#entriesSeen > this.#limits.maxEntries) {
      throw ArchiveLimitError.exceeded('maxEntries', this.#limits.maxEntries)
    }
  }

  place(name: string): EntryPlacement {
    return placeEntry(name, this.#stripComponents, this.#root)
  }

  /** Lists an entry left out, with why; the list stops at 100, the count goes on. */
  skip(name: string, reason: string) {
    this.report.skippedCount += 1
    if (this.report.skipped.length < MAX_LISTED_SKIPS) {
      this.report.skipped.push({ path: name, reason })
    }
  }

  /**
   * Writes one regular file from `body`. Returns why it was left out when
   * something already stands in its way (the caller skips it and drains
   * the body); throws when a limit is passed.
   */
  async writeFile(
    body: EntryBody,
    placement: InsidePlacement,
    file: { announcedBytes: number; executable: boolean }
  ): Promise<string | undefined> {
    const { maxFileBytes, maxTotalBytes } = this.#limits
    // Refuse early on what the archive announces; the byte counter below
    // holds even if the announcement understates.
    if (file.announcedBytes > maxFileBytes) {
      throw ArchiveLimitError.exceeded('maxFileBytes', maxFileBytes, placement.relativePath)
    }
    if (this.report.bytes + file.announcedBytes > maxTotalBytes) {
      throw ArchiveLimitError.exceeded('maxTotalBytes', maxTotalBytes)
    }

    if (!(await this.ensureDirectories(placement.segments.slice(0, -1)))) {
      return 'a file stands where one of its folders should be'
    }
    this.stop.signal.throwIfAborted()

    const mode = file.executable ? 0o755 : 0o644
    const handle = await createExclusively(placement.absolutePath, mode)
    if (!handle) return 'a folder of the same name is in the way'

    const output = handle.createWriteStream()
    output.once('error', (error) => this.fail(error))
    await pipeline(body, this.#countBytes(placement.relativePath), output, {
      signal: this.stop.signal,
    })

    this.report.files += 1
    this.#onProgress?.({ files: this.report.files, bytes: this.report.bytes })
    return undefined
  }

  /**
   * Creates each missing folder along `segments`, one level at a time, so
   * every one gets the same mode whatever the umask. Returns false when a
   * file already stands at one of those places.
   */
  async ensureDirectories(segments: string[]): Promise<boolean> {
    let relativePath = ''
    for (const segment of segments) {
      relativePath = relativePath === '' ? segment : `${relativePath}/${segment}`
      if (this.#directories.has(relativePath)) continue
      this.stop.signal.throwIfAborted()

      const absolutePath = join(this.#root, relativePath)
      try {
        await mkdir(absolutePath, { mode: DIRECTORY_MODE })
      } catch (error) {
        if (errorCode(error) !== 'EEXIST') throw error
        // Only files and folders are ever created, so lstat sees one of those.
        const existing = await lstat(absolutePath)
        if (!existing.isDirectory()) return false
        this.#directories.add(relativePath)
        continue
      }
      await chmod(absolutePath, DIRECTORY_MODE)
      this.#directories.add(relativePath)
      this.report.directories += 1
    }
    return true
  }

  /** Reads an entry's data to nowhere, so the parser can move on. */
  async discard(body: EntryBody) {
    const nowhere = new Writable({ write: (_chunk, _encoding, callback) => callback() })
    await pipeline(body, nowhere, { signal: this.stop.signal })
  }

  /** Passes a file's bytes through, enforcing the size limits on what actually arrives. */
  #countBytes(relativePath: string) {
    const { maxFileBytes, maxTotalBytes } = this.#limits
    let fileBytes = 0
    let bytesAtLastProgress = this.report.bytes
    return new Transform({
      transform: (chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) => {
        fileBytes += chunk.length
        this.report.bytes += chunk.length
        const exceeded =
          fileBytes > maxFileBytes
            ? ArchiveLimitError.exceeded('maxFileBytes', maxFileBytes, relativePath)
            : this.report.bytes > maxTotalBytes
              ? ArchiveLimitError.exceeded('maxTotalBytes', maxTotalBytes)
              : undefined
        if (exceeded) {
          // Recorded now: the pipeline reports it through other streams too.
          this.fail(exceeded)
          return callback(exceeded)
        }
        try {
          if (this.report.bytes - bytesAtLastProgress >= PROGRESS_EVERY_BYTES) {
            bytesAtLastProgress = this.report.bytes
            this.#onProgress?.({ files: this.report.files, bytes: this.report.bytes })
          }
        } catch (error) {
          this.fail(error)
          return callback(error as Error)
        }
        callback(null, chunk)
      },
    })
  }
}

/**
 * Opens a new file for writing, never one already there: `wx` fails rather
 * than follow a link or reuse a file. An archive may list the same name
 * twice; the later entry wins, by removing the earlier file and starting
 * afresh. Returns undefined when a folder holds the name.
 */
async function createExclusively(path: string, mode: number): Promise<FileHandle | undefined> {
  let handle: FileHandle
  try {
    handle = await open(path, 'wx', mode)
  } catch (error) {
    if (errorCode(error) !== 'EEXIST') throw error
    const existing = await lstat(path)
    if (!existing.isFile()) return undefined
    await unlink(path)
    handle = await open(path, 'wx', mode)
  }
  try {
    // open() applies the umask; the snapshot's modes should not depend on it.
    await handle.chmod(mode)
  } catch (error) {
    await handle.close()
    throw error
  }
  return handle
}

export function errorCode(error: unknown) {
  return (error as NodeJS.ErrnoException | undefined)?.code
}
