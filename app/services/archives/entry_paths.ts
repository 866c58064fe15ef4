import { resolve, sep } from 'node:path'

/**
 * Where an archive entry would land inside the extraction root, or why it
 * must not be written at all.
 */
export type EntryPlacement =
  /** the name has no more segments than `stripComponents` (the top folder itself, for instance) */
  | { kind: 'above-strip' }
  | { kind: 'unsafe'; reason: string }
  | {
      kind: 'inside'
      /** the segments kept after stripping, never empty, never "." or ".." */
      segments: string[]
      /** segments joined with "/", for messages and bookkeeping */
      relativePath: string
      absolutePath: string
    }

/** Linux and macOS refuse longer file names; better a clear skip than an I/O error mid-way. */
const MAX_SEGMENT_BYTES = 255

/**
 * Decides where an entry named `rawName` goes under `root` (an absolute,
 * resolved path). The safety rules look at the whole name, stripped
 * segments included: "../top/file" with one stripped segment would be
 * harmless once stripped, but an archive that carries it is not one to trust.
 */
export function placeEntry(rawName: string, stripComponents: number, root: string): EntryPlacement {
  if (rawName.includes('\0')) {
    return { kind: 'unsafe', reason: 'the name contains a NUL character' }
  }

  // Archives made on Windows may use backslashes; treating them as separators
  // means "..\\evil" is caught by the same rules as "../evil".
  const name = rawName.replaceAll('\\', '/')
  if (name.startsWith('/')) {
    return { kind: 'unsafe', reason: 'the name is an absolute path' }
  }
  if (/^[a-z]:/i.test(name)) {
    return { kind: 'unsafe', reason: 'the name starts with a drive letter' }
  }

  // "./top/file" and "top//file" name the same place as "top/file".
  const segments = name.split('/').filter((segment) => segment !== '' && segment !== '.')
  if (segments.includes('..')) {
    return { kind: 'unsafe', reason: 'the name contains a ".." segment' }
  }
  if (segments.length <= stripComponents) {
    return { kind: 'above-strip' }
  }

  const kept = segments.slice(stripComponents)
  if (kept.some((segment) => Buffer.byteLength(segment) > MAX_SEGMENT_BYTES)) {
    return {
      kind: 'unsafe',
      reason: `a part of the name is longer than ${MAX_SEGMENT_BYTES} bytes`,
    }
  }

  // The rules above should make this impossible; the prefix test is the
  // last word, so a rule forgotten above cannot become a write outside.
  const absolutePath = resolve(root, ...kept)
  if (!absolutePath.startsWith(root + sep)) {
    return { kind: 'unsafe', reason: 'the name resolves outside the destination' }
  }

  return { kind: 'inside', segments: kept, relativePath: kept.join('/'), absolutePath }
}
