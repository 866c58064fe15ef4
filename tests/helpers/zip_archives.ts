import { type Readable } from 'node:stream'
import yazl from 'yazl'

/**
 * Zip archives for tests, written by yazl as an archiver would, then
 * forged where no honest archiver goes: yazl refuses names such as
 * "../evil", so those are written under a placeholder of the same byte
 * length and renamed in the finished bytes.
 */
export type ZipEntrySpec = {
  name: string
  data?: Buffer | string
  /** Unix mode with its file type bits (0o100644 file, 0o120777 link) */
  mode?: number
  directory?: boolean
  /** stored instead of deflated */
  store?: boolean
}

export async function zipOf(
  entries: ZipEntrySpec[],
  renames: Record<string, string> = {}
): Promise<Buffer> {
  const zip = new yazl.ZipFile()
  const mtime = new Date('2026-01-01T00:00:00Z')
  for (const entry of entries) {
    if (entry.directory) {
      zip.addEmptyDirectory(entry.name, { mtime, mode: entry.mode })
    } else {
      const data = Buffer.from(entry.data ?? '')
      zip.addBuffer(data, entry.name, { mtime, mode: entry.mode, compress: !entry.store })
    }
  }
  zip.end()
  const chunks: Buffer[] = []
  for await (const chunk of zip.outputStream as Readable) chunks.push(chunk as Buffer)
  let bytes: Buffer = Buffer.concat(chunks)
  for (const [placeholder, name] of Object.entries(renames)) {
    bytes = renameEntry(bytes, placeholder, name)
  }
  return bytes
}

/** Rewrites a name in both the local header and the central directory. */
function renameEntry(zip: Buffer, placeholder: string, name: string): Buffer {
  const from = Buffer.from(placeholder)
  const to = Buffer.from(name)
  if (from.length !== to.length) throw new Error('a forged name must keep the byte length')
  let count = 0
  for (let at = zip.indexOf(from); at !== -1; at = zip.indexOf(from, at + 1)) {
    to.copy(zip, at)
    count += 1
  }
  if (count !== 2) throw new Error(`expected "${placeholder}" twice in the zip, found ${count}`)
  return zip
}

/**
 * Makes the central directory claim `uncompressedSize` for the entry
 * named `name`: a zip that lies about how large a file will grow.
 */
export function understateSize(zip: Buffer, name: string, uncompressedSize: number) {
  const signature = Buffer.from([0x50, 0x4b, 0x01, 0x02])
  for (let at = zip.indexOf(signature); at !== -1; at = zip.indexOf(signature, at + 4)) {
    const nameLength = zip.readUInt16LE(at + 28)
    if (zip.toString('utf8', at + 46, at + 46 + nameLength) === name) {
      zip.writeUInt32LE(uncompressedSize, at + 24)
      return zip
    }
  }
  throw new Error(`no central directory record for "${name}"`)
}
