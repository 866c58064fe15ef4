import { createWriteStream } from 'node:fs'
import { Transform, type Readable, type TransformCallback } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import yauzl, { type Entry, type ZipFile } from 'yauzl'
import { ArchiveFormatError, ArchiveLimitError, type ExtractLimits } from './archive_errors.js'
import type { ExtractOptions, ExtractReport } from './safe_extract.js'
import { StagedWriter } from './staged_writer.js'

/** Files expanding to less than this are not judged by their ratio: they cannot bomb. */
const RATIO_FLOOR_BYTES = 1024 ** 2
/**
 * Headers and directory records a zip adds around its files, allowed per
 * entry on top of maxTotalBytes when the download is spooled to disk.
 */
const OVERHEAD_PER_ENTRY_BYTES = 1024

const S_IFMT = 0o170000
const S_IFREG = 0o100000
const S_IFDIR = 0o040000
const S_IFLNK = 0o120000
/** MS-DOS attribute bit of a folder, for zips made on Windows */
const DOS_DIRECTORY = 0x10
/** the compression methods yauzl reads: stored and deflate */
const READABLE_METHODS = new Set([0, 8])

/**
 * One zip extraction into a staging folder. A zip's table of contents is
 * at its end, so it cannot be read as it streams in: the download is
 * first spooled to `spoolPath` (on disk, next to the snapshot, never in
 * memory), capped in size, then read entry by entry with yauzl, each
 * file streamed from disk to disk. Names go through the same rules as a
 * tar's (no "..", absolute paths or drive letters); links, devices and
 * encrypted entries are skipped and listed; a file compressed more than
 * `maxCompressionRatio` to 1 refuses the whole archive as a zip bomb.
 */
export class ZipExtraction {
  readonly #writer: StagedWriter

  constructor(
    root: string,
    limits: ExtractLimits,
    stripComponents: number,
    onProgress: ExtractOptions['onProgress']
  ) {
    this.#writer = new StagedWriter(root, limits, stripComponents, onProgress)
  }

  async run(
    input: Readable,
    spoolPath: string,
    signal: AbortSignal | undefined
  ): Promise<ExtractReport> {
    const writer = this.#writer
    const onAbort = () => writer.fail(signal?.reason)
    signal?.addEventListener('abort', onAbort, { once: true })
    try {
      const spooledBytes = await this.#spool(input, spoolPath)
      if (spooledBytes === 0) throw new ArchiveFormatError('The archive is empty.')
      await this.#extract(spoolPath)
    } catch (error) {
      writer.fail(error)
    } finally {
      signal?.removeEventListener('abort', onAbort)
    }
    if (writer.failure) throw writer.failure.error
    return writer.report
  }

  /** The download to disk, refused once it is larger than any acceptable archive. */
  async #spool(input: Readable, spoolPath: string): Promise<number> {
    const { maxTotalBytes, maxEntries } = this.#writer.limits
    const maxArchiveBytes = maxTotalBytes + maxEntries * OVERHEAD_PER_ENTRY_BYTES
    let bytes = 0
    const counter = new Transform({
      transform: (chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) => {
        bytes += chunk.length
        if (bytes > maxArchiveBytes) {
          const exceeded = ArchiveLimitError.exceeded('maxTotalBytes', maxTotalBytes)
          this.#writer.fail(exceeded)
          return callback(exceeded)
        }
        callback(null, chunk)
      },
    })
    const file = createWriteStream(spoolPath, { flags: 'wx', mode: 0o600 })
    await pipeline(input, counter, file, { signal: this.#writer.stop.signal })
    return bytes
  }

  async #extract(spoolPath: string) {
    const writer = this.#writer
    let zip: ZipFile
    try {
      zip = await yauzl.openPromise(spoolPath, {
        lazyEntries: true,
        autoClose: false,
        // Names are judged here, entry by entry, rather than failing the whole archive.
        decodeStrings: false,
        validateEntrySizes: true,
      })
    } catch (error) {
      throw ArchiveFormatError.fromZip(error as Error)
    }
    // yauzl may report a broken archive while an entry is being read.
    zip.on('error', (error: Error) => writer.fail(ArchiveFormatError.fromZip(error)))
    try {
      if (zip.entryCount > writer.limits.maxEntries) {
        throw ArchiveLimitError.exceeded('maxEntries', writer.limits.maxEntries)
      }
      const entries = zip.eachEntry()
      for (;;) {
        const next = await entries.next().catch((error: Error) => {
          throw ArchiveFormatError.fromZip(error)
        })
        if (next.done) return
        writer.stop.signal.throwIfAborted()
        await this.#handleEntry(zip, next.value)
      }
    } finally {
      zip.close()
    }
  }

  async #handleEntry(zip: ZipFile, entry: Entry) {
    const writer = this.#writer
    writer.countEntry()
    const name = yauzl.getFileNameLowLevel(
      entry.generalPurposeBitFlag,
      entry.fileNameRaw,
      entry.extraFields,
      false
    )
    const placement = writer.place(name)
    if (placement.kind === 'above-strip') return
    if (placement.kind === 'unsafe') return writer.skip(name, `unsafe name: ${placement.reason}`)

    const kind = entryKind(entry, name)
    if (kind === 'directory') {
      if (!(await writer.ensureDirectories(placement.segments))) {
        writer.skip(name, 'a file of the same name is in the way')
      }
      return
    }
    if (kind !== 'file') return writer.skip(name, kind.skip)
    if (entry.isEncrypted()) return writer.skip(name, 'encrypted entries are not extracted')
    if (!READABLE_METHODS.has(entry.compressionMethod)) {
      return writer.skip(name, `compression method ${entry.compressionMethod} is not supported`)
    }
    const { maxCompressionRatio } = writer.limits
    if (
      entry.uncompressedSize > RATIO_FLOOR_BYTES &&
      entry.uncompressedSize > maxCompressionRatio * Math.max(1, entry.compressedSize)
    ) {
      throw ArchiveLimitError.exceeded('maxCompressionRatio', maxCompressionRatio, name)
    }

    const body = await zip.openReadStreamPromise(entry).catch((error: Error) => {
      throw ArchiveFormatError.fromZip(error)
    })
    body.once('error', (error) => writer.fail(ArchiveFormatError.fromZip(error)))
    const refused = await writer.writeFile(body, placement, {
      announcedBytes: entry.uncompressedSize,
      executable: (unixMode(entry) & 0o111) !== 0,
    })
    if (refused) {
      body.destroy()
      writer.skip(name, refused)
    }
  }
}

/** The Unix mode a zip made on Unix keeps in the high half of its external attributes. */
function unixMode(entry: Entry) {
  return entry.externalFileAttributes >>> 16
}

/**
 * What an entry is. The Unix file type bits are believed whatever system
 * the zip claims to come from: a link is a link. Without them, a name
 * ending in "/" or the MS-DOS folder bit makes a folder.
 */
function entryKind(entry: Entry, name: string): 'file' | 'directory' | { skip: string } {
  const type = unixMode(entry) & S_IFMT
  if (type === S_IFLNK) return { skip: 'symbolic links are not extracted' }
  if (type === S_IFDIR) return 'directory'
  if (type !== 0 && type !== S_IFREG) return { skip: 'entries of this type are not extracted' }
  if (name.endsWith('/') || name.endsWith('\\')) return 'directory'
  if (type === 0 && (entry.externalFileAttributes & DOS_DIRECTORY) !== 0) return 'directory'
  return 'file'
}
