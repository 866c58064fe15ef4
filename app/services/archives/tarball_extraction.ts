import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGunzip } from 'node:zlib'
import { extract, type ExtractEvents, type Header } from 'tar-stream'
import { ArchiveFormatError, type ExtractLimits } from './archive_errors.js'
import type { ExtractOptions, ExtractReport } from './safe_extract.js'
import { StagedWriter, type InsidePlacement } from './staged_writer.js'
import { TarPreambleReader } from './tar_preamble.js'

/** the stream of one entry's data, as tar-stream hands it over */
type EntryBody = ExtractEvents['entry'][1]

/**
 * One run of the tar parser over a staging folder: writes what is safe,
 * skips the rest, and stops everything at the first failure. The staging
 * folder and the swap are `extractArchive`'s business.
 */
export class TarballExtraction {
  readonly #writer: StagedWriter
  #entryInProgress: Promise<void> = Promise.resolve()

  constructor(
    root: string,
    limits: ExtractLimits,
    stripComponents: number,
    onProgress: ExtractOptions['onProgress']
  ) {
    this.#writer = new StagedWriter(root, limits, stripComponents, onProgress)
  }

  async run(input: Readable, signal: AbortSignal | undefined): Promise<ExtractReport> {
    const writer = this.#writer
    const gunzip = createGunzip()
    const preamble = new TarPreambleReader()
    const parser = extract()

    // A failure reaches every stream of the pipeline, each reporting it in
    // turn; the first report is the cause, so that is the one kept. Each
    // listener is attached before the pipeline's own, hence runs first.
    const onAbort = () => writer.fail(signal?.reason)
    signal?.addEventListener('abort', onAbort, { once: true })
    input.once('error', (error) => writer.fail(error))
    gunzip.once('error', (error) => writer.fail(ArchiveFormatError.fromGzip(error)))
    parser.once('error', (error: Error) => writer.fail(ArchiveFormatError.fromTar(error)))

    parser.on('entry', (header, body, next) => {
      // Errors of an entry's body are those of the whole pipeline, reported above.
      body.on('error', () => {})
      this.#entryInProgress = this.#handleEntry(header, body).then(
        () => next(),
        (error: unknown) => {
          writer.fail(error)
          next(error instanceof Error ? error : new Error(String(error)))
        }
      )
    })

    try {
      await pipeline(input, gunzip, preamble, parser, { signal: writer.stop.signal })
    } catch (error) {
      writer.fail(error)
    } finally {
      signal?.removeEventListener('abort', onAbort)
    }
    // An entry may still be writing when the pipeline gives up; the staging
    // folder must not be removed under it.
    await this.#entryInProgress

    if (writer.failure) throw writer.failure.error
    if (preamble.decompressedBytes === 0) throw new ArchiveFormatError('The archive is empty.')
    const comment = preamble.globalRecords?.get('comment')
    return comment === undefined
      ? writer.report
      : { ...writer.report, commentFromGlobalHeader: comment }
  }

  async #handleEntry(header: Header, body: EntryBody) {
    const writer = this.#writer
    writer.countEntry()

    const placement = writer.place(header.name)
    if (placement.kind === 'above-strip') return this.#discard(header, body)
    if (placement.kind === 'unsafe') {
      return this.#skip(header, body, `unsafe name: ${placement.reason}`)
    }

    switch (header.type) {
      case 'directory':
        if (!(await writer.ensureDirectories(placement.segments))) {
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

  async #writeFile(header: Header, body: EntryBody, placement: InsidePlacement) {
    const refused = await this.#writer.writeFile(body, placement, {
      announcedBytes: header.size ?? 0,
      executable: ((header.mode ?? 0) & 0o111) !== 0,
    })
    if (refused) return this.#skip(header, body, refused)
  }

  #skip(header: Header, body: EntryBody, reason: string) {
    this.#writer.skip(header.name, reason)
    return this.#discard(header, body)
  }

  /** Reads an entry's data to nowhere, so the parser can move on to the next header. */
  async #discard(header: Header, body: EntryBody) {
    // tar-stream hands a folder an empty body without feeding it: it would never end.
    if (header.type === 'directory') return
    await this.#writer.discard(body)
  }
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
