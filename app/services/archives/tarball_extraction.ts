import { chmod, lstat, mkdir, open, unlink, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import { Transform, Writable, type Readable, type TransformCallback } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGunzip } from 'node:zlib'
import { extract, type ExtractEvents, type Header } from 'tar-stream'
import { ArchiveFormatError, ArchiveLimitError, type ExtractLimits } from './archive_errors.js'
import { placeEntry, type EntryPlacement } from './entry_paths.js'
import type { ExtractOptions, ExtractReport } from './safe_extract.js'
import { TarPreambleReader } from './tar_preamble.js'

/** the stream of one entry's data, as tar-stream hands it over */
type EntryBody = ExtractEvents['entry'][1]

const MAX_LISTED_SKIPS = 100
const PROGRESS_EVERY_BYTES = 16 * 1024 ** 2
export const DIRECTORY_MODE = 0o755

/**
 * One run of the tar parser over a staging folder: writes what is safe,
 * skips the rest, and stops everything at the first failure. The staging
 * folder and the swap are `extractTarball`'s business.
 */
export class TarballExtraction {
  readonly #root: string
  readonly #limits: ExtractLimits
  readonly #stripComponents: number
  readonly #onProgress: ExtractOptions['onProgress']
  readonly #report: ExtractReport = {
    files: 0,
    directories: 0,
    bytes: 0,
    skipped: [],
    skippedCount: 0,
  }
  /** relative paths of the folders made so far, so each is created once */
  readonly #directories = new Set<string>()
  /** aborted at the first failure: stops the streams and any entry mid-way */
  readonly #stop = new AbortController()
  #failure: { error: unknown } | undefined
  #entriesSeen = 0
  #entryInProgress: Promise<void> = Promise.resolve()

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

  async run(input: Readable, signal: AbortSignal | undefined): Promise<ExtractReport> {
    const gunzip = createGunzip()
    const preamble = new TarPreambleReader()
    const parser = extract()

    // A failure reaches every stream of the pipeline, each reporting it in
    // turn; the first report is the cause, so that is the one kept. Each
    // listener is attached before the pipeline's own, hence runs first.
    const onAbort = () => this.#fail(signal?.reason)
    signal?.addEventListener('abort', onAbort, { once: true })
    input.once('error', (error) => this.#fail(error))
    gunzip.once('error', (error) => this.#fail(ArchiveFormatError.fromGzip(error)))
    parser.once('error', (error: Error) => this.#fail(ArchiveFormatError.fromTar(error)))

    parser.on('entry', (header, body, next) => {
      // Errors of an entry's body are those of the whole pipeline, reported above.
      body.on('error', () => {})
      this.#entryInProgress = this.#handleEntry(header, body).then(
        () => next(),
        (error: unknown) => {
          this.#fail(error)
          next(error instanceof Error ? error : new Error(String(error)))
        }
      )
    })

    try {
      await pipeline(input, gunzip, preamble, parser, { signal: this.#stop.signal })
    } catch (error) {
      this.#fail(error)
    } finally {
      signal?.removeEventListener('abort', onAbort)
    }
    // An entry may still be writing when the pipeline gives up; the staging
    // folder must not be removed under it.
    await this.#entryInProgress

    if (this.#failure) throw this.#failure.error
    if (preamble.decompressedBytes === 0) throw new ArchiveFormatError('The archive is empty.')
    const comment = preamble.globalRecords?.get('comment')
    return comment === undefined
      ? this.#report
      : { ...this.#report, commentFromGlobalHeader: comment }
  }

  /** Keeps the first failure and stops everything still running. */
  #fail(error: unknown) {
    if (this.#failure) return
    this.#failure = { error }
    this.#stop.abort(error)
  }

  async #handleEntry(header: Header, body: EntryBody) {
    this.#entriesSeen += 1
    if (this.#entriesSeen > this.#limits.maxEntries) {
      throw ArchiveLimitError.exceeded('maxEntries', this.#limits.maxEntries)
    }

    const placement = placeEntry(header.name, this.#stripComponents, this.#root)
    if (placement.kind === 'above-strip') return this.#discard(header, body)
    if (placement.kind === 'unsafe') {
      return this.#skip(header, body, `unsafe name: ${placement.reason}`)
    }

    switch (header.type) {
      case 'directory':
        if (!(await this.#ensureDirectories(placement.segments))) {
          return this.#skip(header, body, 'a file of the same name is in the way')
        }
        return
      case 'file':
      case 'contiguous-file':
        return this.#writeFile(header, body, placement)
      default:
        return this.#skip(header, body, describeUnsupportedType(header.type))
    }
  }

  async #writeFile(
    header: Header,
    body: EntryBody,
    placement: Extract<EntryPlacement, { kind: 'inside' }>
  ) {
    const { maxFileBytes, maxTotalBytes } = this.#limits
    // Refuse early on what the header announces; the byte counter below
    // holds even if a header understates.
    const announcedBytes = header.size ?? 0
    if (announcedBytes > maxFileBytes) {
      throw ArchiveLimitError.exceeded('maxFileBytes', maxFileBytes, placement.relativePath)
    }
    if (this.#report.bytes + announcedBytes > maxTotalBytes) {
      throw ArchiveLimitError.exceeded('maxTotalBytes', maxTotalBytes)
    }

    if (!(await this.#ensureDirectories(placement.segments.slice(0, -1)))) {
      return this.#skip(header, body, 'a file stands where one of its folders should be')
    }
    this.#stop.signal.throwIfAborted()

    const mode = (header.mode ?? 0) & 0o111 ? 0o755 : 0o644
    const handle = await createExclusively(placement.absolutePath, mode)
    if (!handle) return this.#skip(header, body, 'a folder of the same name is in the way')

    const output = handle.createWriteStream()
    output.once('error', (error) => this.#fail(error))
    await pipeline(body, this.#countBytes(placement.relativePath), output, {
      signal: this.#stop.signal,
    })

    this.#report.files += 1
    this.#onProgress?.({ files: this.#report.files, bytes: this.#report.bytes })
  }

  /** Passes a file's bytes through, enforcing the size limits on what actually arrives. */
  #countBytes(relativePath: string) {
    const { maxFileBytes, maxTotalBytes } = this.#limits
    let fileBytes = 0
    let bytesAtLastProgress = this.#report.bytes
    return new Transform({
      transform: (chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) => {
        fileBytes += chunk.length
        this.#report.bytes += chunk.length
        const exceeded =
          fileBytes > maxFileBytes
            ? ArchiveLimitError.exceeded('maxFileBytes', maxFileBytes, relativePath)
            : this.#report.bytes > maxTotalBytes
              ? ArchiveLimitError.exceeded('maxTotalBytes', maxTotalBytes)
              : undefined
        if (exceeded) {
          // Recorded now: the pipeline reports it through other streams too.
          this.#fail(exceeded)
          return callback(exceeded)
        }
        try {
          if (this.#report.bytes - bytesAtLastProgress >= PROGRESS_EVERY_BYTES) {
            bytesAtLastProgress = this.#report.bytes
            this.#onProgress?.({ files: this.#report.files, bytes: this.#report.bytes })
          }
        } catch (error) {
          this.#fail(error)
          return callback(error as Error)
        }
        callback(null, chunk)
      },
    })
  }

  /**
   * Creates each missing folder along `segments`, one level at a time, so
   * every one gets the same mode whatever the umask. Returns false when a
   * file already stands at one of those places.
   */
  async #ensureDirectories(segments: string[]): Promise<boolean> {
    let relativePath = ''
    for (const segment of segments) {
      relativePath = relativePath === '' ? segment : `${relativePath}/${segment}`
      if (this.#directories.has(relativePath)) continue
      this.#stop.signal.throwIfAborted()

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
      this.#report.directories += 1
    }
    return true
  }

  #skip(header: Header, body: EntryBody, reason: string) {
    this.#report.skippedCount += 1
    if (this.#report.skipped.length < MAX_LISTED_SKIPS) {
      this.#report.skipped.push({ path: header.name, reason })
    }
    return this.#discard(header, body)
  }

  /** Reads an entry's data to nowhere, so the parser can move on to the next header. */
  async #discard(header: Header, body: EntryBody) {
    // tar-stream hands a folder an empty body without feeding it: it would never end.
    if (header.type === 'directory') return
    const nowhere = new Writable({ write: (_chunk, _encoding, callback) => callback() })
    await pipeline(body, nowhere, { signal: this.#stop.signal })
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

function describeUnsupportedType(type: Header['type'] | null) {
  switch (type) {
    case 'symlink':
      return 'symbolic links are not extracted'
    case 'link':
      return 'hard links are not extracted'
    case 'character-device':
    case 'block-device':
      return 'devices are not extracted'
    case 'fifo':
      return 'FIFOs are not extracted'
    default:
      return 'entries of this type are not extracted'
  }
}

export function errorCode(error: unknown) {
  return (error as NodeJS.ErrnoException | undefined)?.code
}
