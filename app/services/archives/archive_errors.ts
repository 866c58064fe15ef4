export type ExtractLimits = {
  /** sum of the regular files' sizes */
  maxTotalBytes: number
  /** one regular file */
  maxFileBytes: number
  /** every entry counts: files, folders, skipped links … */
  maxEntries: number
  /**
   * zip only: how many times a file may expand (uncompressed / compressed
   * size, as the zip's directory declares and the inflater then holds to).
   * Judged on files expanding past 1 MiB; smaller ones cannot bomb.
   */
  maxCompressionRatio: number
}

/** The archive is bigger than the platform accepts; nothing was replaced. */
export class ArchiveLimitError extends Error {
  readonly limit: keyof ExtractLimits
  readonly limitValue: number

  constructor(limit: keyof ExtractLimits, limitValue: number, message: string) {
    super(message)
    this.name = 'ArchiveLimitError'
    this.limit = limit
    this.limitValue = limitValue
  }

  static exceeded(limit: keyof ExtractLimits, limitValue: number, entryName?: string) {
    switch (limit) {
      case 'maxTotalBytes':
        return new ArchiveLimitError(
          limit,
          limitValue,
          `The archive is larger than the ${formatBytes(limitValue)} limit.`
        )
      case 'maxFileBytes': {
        const which = entryName === undefined ? 'a file' : `the file "${entryName}"`
        const message = `The archive contains ${which}, larger than the ${formatBytes(limitValue)} limit for a single file.`
        return new ArchiveLimitError(limit, limitValue, message)
      }
      case 'maxEntries': {
        const count = limitValue.toLocaleString('en-US')
        return new ArchiveLimitError(
          limit,
          limitValue,
          `The archive has more than ${count} entries, the limit.`
        )
      }
      case 'maxCompressionRatio': {
        const which = entryName === undefined ? 'a file' : `the file "${entryName}"`
        return new ArchiveLimitError(
          limit,
          limitValue,
          `The archive contains ${which}, compressed more than ${limitValue} to 1 (the limit): refused as a zip bomb.`
        )
      }
    }
  }
}

/** The download is not an archive of the declared format, or it is truncated or corrupt. */
export class ArchiveFormatError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'ArchiveFormatError'
  }

  static fromGzip(error: Error & { code?: string }) {
    if (error.code === 'Z_BUF_ERROR') {
      return new ArchiveFormatError(
        'The archive is incomplete: the compressed data ends too early.',
        { cause: error }
      )
    }
    if (error.message === 'incorrect header check') {
      return new ArchiveFormatError('The download is not a gzip-compressed file.', { cause: error })
    }
    return new ArchiveFormatError('The archive is corrupt: its compressed data cannot be read.', {
      cause: error,
    })
  }

  static fromTar(error: Error) {
    if (error.message === 'Unexpected end of data') {
      return new ArchiveFormatError('The archive is incomplete: it ends in the middle of a file.', {
        cause: error,
      })
    }
    return new ArchiveFormatError('The archive is not a valid tar file, or it is corrupt.', {
      cause: error,
    })
  }

  /** yauzl names the broken structure; people need to know whether it was a zip at all. */
  static fromZip(error: Error) {
    if (error instanceof ArchiveFormatError) return error
    if (/end of central directory record signature not found/i.test(error.message)) {
      return new ArchiveFormatError('The download is not a zip archive, or it is truncated.', {
        cause: error,
      })
    }
    return new ArchiveFormatError(`The zip archive is corrupt: ${error.message}.`, {
      cause: error,
    })
  }
}

const UNITS = ['KiB', 'MiB', 'GiB', 'TiB'] as const

/** 2147483648 → "2 GiB", 1500 → "1.46 KiB", 10 → "10 bytes": sizes as people read them. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return 'unlimited'
  if (bytes < 1024) return bytes === 1 ? '1 byte' : `${bytes} bytes`
  let value = bytes
  let unit: (typeof UNITS)[number] = UNITS[0]
  for (const candidate of UNITS) {
    value /= 1024
    unit = candidate
    if (value < 1024) break
  }
  return `${Number(value.toFixed(2))} ${unit}`
}
