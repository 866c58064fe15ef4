import { randomBytes } from 'node:crypto'
import { chmod, mkdir, rename, rm } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { Readable } from 'node:stream'
import type { ExtractLimits } from './archive_errors.js'
import { DIRECTORY_MODE, errorCode } from './staged_writer.js'
import { TarballExtraction } from './tarball_extraction.js'
import { ZipExtraction } from './zip_extraction.js'

export {
  ArchiveFormatError,
  ArchiveLimitError,
  formatBytes,
  type ExtractLimits,
} from './archive_errors.js'

export type ExtractReport = {
  /** regular-file entries written (an entry repeated in the archive counts each time) */
  files: number
  /** folders created, whether listed in the archive or implied by a file's path */
  directories: number
  /** bytes written to regular files */
  bytes: number
  /** the first entries left out, with why: links, devices, unsafe names … */
  skipped: Array<{ path: string; reason: string }>
  /** how many entries were left out in all; `skipped` lists at most the first 100 */
  skippedCount: number
  /** `comment` of the archive's pax global header: GitHub puts the commit SHA there */
  commentFromGlobalHeader?: string
}

export type ExtractProgress = { files: number; bytes: number }

/** `tar.gz`: a gzip-compressed tar (GitHub, Bitbucket); `zip` (Azure DevOps) */
export type ArchiveFormat = 'tar.gz' | 'zip'
export const ARCHIVE_FORMATS: readonly ArchiveFormat[] = ['tar.gz', 'zip']

export type ExtractOptions = {
  /** default 'tar.gz' */
  format?: ArchiveFormat
  limits?: Partial<ExtractLimits>
  /** leading path segments to drop; GitHub tarballs wrap everything in one top folder, so 1 */
  stripComponents?: number
  signal?: AbortSignal
  /** called after each file, and every 16 MiB within a large one */
  onProgress?: (report: ExtractProgress) => void
}

export const DEFAULT_EXTRACT_LIMITS: Readonly<ExtractLimits> = Object.freeze({
  maxTotalBytes: 2 * 1024 ** 3,
  maxFileBytes: 256 * 1024 ** 2,
  maxEntries: 200_000,
  maxCompressionRatio: 100,
})

const STAGING_MODE = 0o700

/**
 * Streams an archive (a gzip-compressed tar, or a zip) into `destination`,
 * atomically replacing what was there.
 *
 * The archive is unpacked into a private sibling folder and swapped in only
 * once it has been read to the end without error; on any failure (limit,
 * corrupt archive, abort, I/O error) that folder is removed and the previous
 * snapshot is left as it was. Only regular files and folders are written;
 * links, devices and names that could reach outside are skipped and listed.
 * A zip is spooled to a sibling file first (its table of contents is at its
 * end), removed afterwards whatever happens.
 *
 * Callers must not run two extractions into the same destination at once.
 */
export async function extractArchive(
  source: Readable | AsyncIterable<Buffer>,
  destination: string,
  options: ExtractOptions = {}
): Promise<ExtractReport> {
  const input = source instanceof Readable ? source : Readable.from(source, { objectMode: false })
  const { target, staging, limits, stripComponents, format } = await prepare(
    destination,
    options
  ).catch((error) => {
    // Nobody will read the source now; release the connection behind it.
    input.destroy()
    throw error
  })

  const spool = `${staging}.zip`
  try {
    const report =
      format === 'zip'
        ? await new ZipExtraction(staging, limits, stripComponents, options.onProgress).run(
            input,
            spool,
            options.signal
          )
        : await new TarballExtraction(staging, limits, stripComponents, options.onProgress).run(
            input,
            options.signal
          )
    options.signal?.throwIfAborted()
    await chmod(staging, DIRECTORY_MODE)
    await swapIntoPlace(staging, target)
    return report
  } catch (error) {
    // The cause matters more than a failed clean-up, which must not hide it.
    await rm(staging, { recursive: true, force: true, maxRetries: 3 }).catch(() => {})
    throw error
  } finally {
    if (format === 'zip') await rm(spool, { force: true }).catch(() => {})
  }
}

/** A gzip-compressed tar into `destination` (see extractArchive). */
export function extractTarball(
  source: Readable | AsyncIterable<Buffer>,
  destination: string,
  options: Omit<ExtractOptions, 'format'> = {}
): Promise<ExtractReport> {
  return extractArchive(source, destination, { ...options, format: 'tar.gz' })
}

/** A zip into `destination` (see extractArchive). */
export function extractZip(
  source: Readable | AsyncIterable<Buffer>,
  destination: string,
  options: Omit<ExtractOptions, 'format'> = {}
): Promise<ExtractReport> {
  return extractArchive(source, destination, { ...options, format: 'zip' })
}

/** Checks the options, then creates the private staging folder next to the destination. */
async function prepare(destination: string, options: ExtractOptions) {
  const format = options.format ?? 'tar.gz'
  if (!ARCHIVE_FORMATS.includes(format)) {
    throw new TypeError(`The archive format must be ${ARCHIVE_FORMATS.join(' or ')}`)
  }
  const limits = resolveLimits(options.limits)
  const stripComponents = options.stripComponents ?? 0
  if (!Number.isSafeInteger(stripComponents) || stripComponents < 0) {
    throw new TypeError('stripComponents must be a whole number, 0 or more')
  }
  const target = resolve(destination)
  if (dirname(target) === target) {
    throw new TypeError('The destination cannot be the root of the file system')
  }
  options.signal?.throwIfAborted()

  await mkdir(dirname(target), { recursive: true })
  // Same parent, so the final rename stays on one file system and is atomic.
  const staging = `${target}.tmp-${randomSuffix()}`
  await mkdir(staging, { mode: STAGING_MODE })
  return { target, staging, limits, stripComponents, format }
}

/**
 * Old snapshot aside, new one in, old one gone. Should the second rename
 * fail, the old snapshot goes back, so the destination is never left empty
 * for long.
 */
async function swapIntoPlace(staging: string, target: string) {
  const retired = `${target}.old-${randomSuffix()}`
  let hadPrevious = true
  try {
    await rename(target, retired)
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error
    hadPrevious = false
  }

  try {
    await rename(staging, target)
  } catch (error) {
    if (hadPrevious) await rename(retired, target).catch(() => {})
    throw error
  }

  // The new snapshot is in place: a leftover old folder wastes disk but
  // breaks nothing, so failing to remove it does not fail the extraction.
  if (hadPrevious) {
    await rm(retired, { recursive: true, force: true, maxRetries: 3 }).catch(() => {})
  }
}

function resolveLimits(overrides: Partial<ExtractLimits> = {}): ExtractLimits {
  const limits = { ...DEFAULT_EXTRACT_LIMITS }
  for (const name of Object.keys(limits) as Array<keyof ExtractLimits>) {
    const value = overrides[name]
    if (value === undefined) continue
    if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
      throw new TypeError(`The ${name} limit must be a number, 0 or more`)
    }
    limits[name] = value
  }
  return limits
}

function randomSuffix() {
  return randomBytes(6).toString('hex')
}
