import { promisify } from 'node:util'
import { brotliCompress, constants as zlibConstants, gzip } from 'node:zlib'

export type Encoding = 'br' | 'gzip'

/**
 * The encoding to answer with, from an Accept-Encoding header: brotli,
 * else gzip, else none. An encoding refused with q=0 is not used.
 */
export function preferredEncoding(header: string | null | undefined): Encoding | null {
  if (!header) return null
  const accepted = new Map<string, number>()
  for (const part of header.toLowerCase().split(',')) {
    const [name, ...params] = part.trim().split(';')
    const q = params.map((param) => /^\s*q=([\d.]+)\s*$/.exec(param)).find(Boolean)
    accepted.set(name.trim(), q ? Number(q[1]) : 1)
  }
  const weight = (name: string) => accepted.get(name) ?? accepted.get('*') ?? 0
  if (weight('br') > 0) return 'br'
  if (weight('gzip') > 0) return 'gzip'
  return null
}

const brotli = promisify(brotliCompress)
const gzipAsync = promisify(gzip)

/**
 * Levels for bodies rendered per request (pages, JSON). Measured on the
 * Executive Summary (80 KB of HTML, docs/performance.md, "Pages, third
 * pass"): brotli 5 took 0.87 ms for 11.0 KB, quality 3 0.26 ms for 12.4
 * KB; gzip 6 (zlib's default) 0.74 ms for 12.2 KB, level 3 0.22 ms for
 * 13.6 KB. A tenth more bytes for a third of the CPU: the page is paid
 * for on every request, the bytes are a few hundred microseconds of a
 * network. Static assets are compressed once at the highest level
 * (app/services/assets.ts).
 */
export const DYNAMIC_BROTLI_QUALITY = 3
export const DYNAMIC_GZIP_LEVEL = 3

/** Compresses a body rendered for this request (levels above). */
export function compress(body: Buffer, encoding: Encoding): Promise<Buffer> {
  if (encoding === 'br') {
    return brotli(body, {
      params: {
        [zlibConstants.BROTLI_PARAM_QUALITY]: DYNAMIC_BROTLI_QUALITY,
        [zlibConstants.BROTLI_PARAM_SIZE_HINT]: body.length,
      },
    })
  }
  return gzipAsync(body, { level: DYNAMIC_GZIP_LEVEL })
}

/** Pages smaller than this are sent as they are: compression would not pay. */
export const COMPRESSION_THRESHOLD_BYTES = 1024
