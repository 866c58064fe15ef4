import { test } from '@japa/runner'
import type { Assert } from '@japa/assert'
import { randomBytes } from 'node:crypto'
import { createReadStream, createWriteStream, existsSync } from 'node:fs'
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGzip, gzipSync } from 'node:zlib'
import { pack, type Header } from 'tar-stream'
import {
  ArchiveFormatError,
  ArchiveLimitError,
  extractTarball,
  type ExtractOptions,
} from '#services/archives/safe_extract'

type TarEntry = { header: Partial<Header> & { name: string }; body?: string | Buffer }

const COMMIT_SHA = '4f2c1e0d9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e'
const BLOCK = 512

/** The uncompressed tar of `entries`, built by tar-stream as any archiver would. */
async function tarOf(entries: TarEntry[]): Promise<Buffer> {
  const packer = pack()
  for (const { header, body } of entries) packer.entry(header, body ?? '')
  packer.finalize()
  const chunks: Buffer[] = []
  for await (const chunk of packer) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

/**
 * Rewrites fields of the header block at `offset` and fixes its checksum:
 * how archives no honest archiver makes (a pax global header, a lying size)
 * are forged here.
 */
function rewriteHeader(tar: Buffer, offset: number, changes: { typeflag?: string; size?: number }) {
  const block = tar.subarray(offset, offset + BLOCK)
  if (changes.typeflag !== undefined) block.write(changes.typeflag, 156, 'latin1')
  if (changes.size !== undefined)
    block.write(`${changes.size.toString(8).padStart(11, '0')}\0`, 124, 'latin1')
  block.fill(0x20, 148, 156)
  let checksum = 0
  for (const byte of block) checksum += byte
  block.write(`${checksum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1')
}

/** A pax global header as GitHub starts its tarballs with, carrying the commit id. */
async function paxGlobalHeader(comment: string): Promise<Buffer> {
  const record = ` comment=${comment}\n`
  let length = record.length + 2
  if (`${length}${record}`.length !== length) length += 1
  const tar = await tarOf([{ header: { name: 'pax_global_header' }, body: `${length}${record}` }])
  rewriteHeader(tar, 0, { typeflag: 'g' })
  // Keep the header and its padded body, without the end-of-archive blocks.
  return tar.subarray(0, tar.length - 2 * BLOCK)
}

async function gzipOf(entries: TarEntry[], options: { globalComment?: string } = {}) {
  const tar = await tarOf(entries)
  const preamble =
    options.globalComment === undefined ? [] : [await paxGlobalHeader(options.globalComment)]
  return gzipSync(Buffer.concat([...preamble, tar]))
}

function file(name: string, body: string | Buffer, header: Partial<Header> = {}): TarEntry {
  return { header: { name, ...header }, body }
}

function folder(name: string): TarEntry {
  return { header: { name, type: 'directory' } }
}

async function captureError(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (error) {
    return error as Error
  }
  throw new Error('Expected the promise to reject')
}

function extract(gzipped: Buffer, destination: string, options: ExtractOptions = {}) {
  return extractTarball(Readable.from([gzipped]), destination, options)
}

test.group('Safe tarball extraction', (group) => {
  let workspace: string
  /** where snapshots go; every test checks nothing else is left in it */
  let parent: string
  let destination: string

  group.each.setup(async () => {
    workspace = await mkdtemp(join(tmpdir(), 'sextant-extract-'))
    parent = join(workspace, 'storage', 'repositories')
    destination = join(parent, 'snapshot')
    return () => rm(workspace, { recursive: true, force: true })
  })

  /** A snapshot from an earlier download, which failed extractions must leave alone. */
  async function previousSnapshot() {
    await mkdir(destination, { recursive: true })
    await writeFile(join(destination, 'old.txt'), 'previous content')
  }

  async function assertPreviousSnapshotKept(assert: Assert) {
    assert.deepEqual(await readdir(parent), ['snapshot'])
    assert.deepEqual(await readdir(destination), ['old.txt'])
    assert.equal(await readFile(join(destination, 'old.txt'), 'utf8'), 'previous content')
  }

  test('extracts files and folders, strips the top folder, reports counts and bytes and the commit', async ({
    assert,
  }) => {
    const archive = await gzipOf(
      [
        folder('repo-4f2c1e0/'),
        file('repo-4f2c1e0/README.md', '# Sextant\n'),
        folder('repo-4f2c1e0/src/'),
        file('repo-4f2c1e0/src/index.ts', 'export {}\n'),
        file('repo-4f2c1e0/docs/guide.md', 'Read me.'),
      ],
      { globalComment: COMMIT_SHA }
    )

    const report = await extract(archive, destination, { stripComponents: 1 })

    assert.equal(await readFile(join(destination, 'README.md'), 'utf8'), '# Sextant\n')
    assert.equal(await readFile(join(destination, 'src/index.ts'), 'utf8'), 'export {}\n')
    assert.equal(await readFile(join(destination, 'docs/guide.md'), 'utf8'), 'Read me.')
    assert.deepEqual((await readdir(destination)).sort(), ['README.md', 'docs', 'src'])
    assert.deepEqual(report, {
      files: 3,
      directories: 2,
      bytes: 10 + 10 + 8,
      skipped: [],
      skippedCount: 0,
      commentFromGlobalHeader: COMMIT_SHA,
    })
    assert.deepEqual(await readdir(parent), ['snapshot'])
  })

  test('accepts an async iterable of buffers and reports progress after each file', async ({
    assert,
  }) => {
    const archive = await gzipOf([file('a.txt', 'aaaa'), file('b.txt', 'bb')])
    async function* download() {
      for (let offset = 0; offset < archive.length; offset += 7)
        yield archive.subarray(offset, offset + 7)
    }
    const progress: Array<{ files: number; bytes: number }> = []

    const report = await extractTarball(download(), destination, {
      onProgress: (step) => progress.push(step),
    })

    assert.equal(report.files, 2)
    assert.isUndefined(report.commentFromGlobalHeader)
    assert.deepEqual(progress, [
      { files: 1, bytes: 4 },
      { files: 2, bytes: 6 },
    ])
  })

  test('names longer than the tar header holds, carried in pax records, are extracted', async ({
    assert,
  }) => {
    const longPath = `${'nested-folder-name/'.repeat(12)}${'f'.repeat(120)}.txt`
    const archive = await gzipOf([file(`top/${longPath}`, 'deep')])

    await extract(archive, destination, { stripComponents: 1 })

    assert.equal(await readFile(join(destination, longPath), 'utf8'), 'deep')
  })

  test('files are 0o644, or 0o755 when any execute bit is set; folders are 0o755', async ({
    assert,
  }) => {
    const archive = await gzipOf([
      file('plain.txt', 'x', { mode: 0o600 }),
      file('script.sh', '#!/bin/sh\n', { mode: 0o744 }),
      file('setuid', 'x', { mode: 0o4777 }),
      folder('private/'),
    ])

    await extract(archive, destination)

    const modeOf = async (name: string) => (await stat(join(destination, name))).mode & 0o7777
    assert.equal(await modeOf('plain.txt'), 0o644)
    assert.equal(await modeOf('script.sh'), 0o755)
    assert.equal(await modeOf('setuid'), 0o755)
    assert.equal(await modeOf('private'), 0o755)
    assert.equal(await modeOf('.'), 0o755)
  })

  test('a ".." entry writes nothing outside the destination and is listed as skipped', async ({
    assert,
  }) => {
    const archive = await gzipOf([
      file('top/kept.txt', 'kept'),
      file('../evil', 'escaped'),
      file('top/../../evil', 'escaped'),
      file('top\\..\\..\\evil', 'escaped'),
    ])

    const report = await extract(archive, destination, { stripComponents: 1 })

    assert.deepEqual(await readdir(destination), ['kept.txt'])
    assert.deepEqual(await readdir(parent), ['snapshot'])
    assert.isFalse(existsSync(join(workspace, 'storage', 'evil')))
    assert.deepEqual(
      report.skipped.map(({ path }) => path),
      ['../evil', 'top/../../evil', 'top\\..\\..\\evil']
    )
    assert.equal(report.skipped[0].reason, 'unsafe name: the name contains a ".." segment')
    assert.equal(report.skippedCount, 3)
  })

  test('absolute names, drive letters and UNC paths are skipped', async ({ assert }) => {
    const outsideName = `sextant-extract-${randomBytes(4).toString('hex')}`
    const archive = await gzipOf([
      file(`/tmp/${outsideName}`, 'escaped'),
      file(`C:\\${outsideName}`, 'escaped'),
      file(`\\\\server\\share\\${outsideName}`, 'escaped'),
      file('kept.txt', 'kept'),
    ])

    const report = await extract(archive, destination)

    assert.deepEqual(await readdir(destination), ['kept.txt'])
    assert.isFalse(existsSync(join('/tmp', outsideName)))
    assert.deepEqual(
      report.skipped.map(({ reason }) => reason),
      [
        'unsafe name: the name is an absolute path',
        'unsafe name: the name starts with a drive letter',
        'unsafe name: the name is an absolute path',
      ]
    )
  })

  test('a name containing a NUL character is skipped', async ({ assert }) => {
    const archive = await gzipOf([
      { header: { name: 'placeholder', pax: { path: 'top/bad\0name' } }, body: 'x' },
      file('top/kept.txt', 'kept'),
    ])

    const report = await extract(archive, destination, { stripComponents: 1 })

    assert.deepEqual(await readdir(destination), ['kept.txt'])
    assert.deepEqual(report.skipped, [
      { path: 'top/bad\0name', reason: 'unsafe name: the name contains a NUL character' },
    ])
  })

  test('a symlink pointing outside, then a file through it, writes nothing outside and no link', async ({
    assert,
  }) => {
    const outside = join(workspace, 'outside')
    await mkdir(outside)
    const archive = await gzipOf([
      { header: { name: 'top/link', type: 'symlink', linkname: outside } },
      file('top/link/passwd', 'root::0:0::/root:/bin/sh\n'),
    ])

    const report = await extract(archive, destination, { stripComponents: 1 })

    assert.deepEqual(await readdir(outside), [])
    const link = await lstat(join(destination, 'link'))
    assert.isFalse(link.isSymbolicLink())
    assert.isTrue(link.isDirectory())
    assert.deepEqual(report.skipped, [
      { path: 'top/link', reason: 'symbolic links are not extracted' },
    ])
  })

  test('a hard link is skipped', async ({ assert }) => {
    const archive = await gzipOf([
      file('top/real.txt', 'real'),
      { header: { name: 'top/hard', type: 'link', linkname: '/etc/passwd' } },
    ])

    const report = await extract(archive, destination, { stripComponents: 1 })

    assert.deepEqual(await readdir(destination), ['real.txt'])
    assert.deepEqual(report.skipped, [{ path: 'top/hard', reason: 'hard links are not extracted' }])
  })

  test('devices and FIFOs are skipped', async ({ assert }) => {
    const archive = await gzipOf([
      { header: { name: 'tty', type: 'character-device', devmajor: 5, devminor: 0 } },
      { header: { name: 'disk', type: 'block-device', devmajor: 8, devminor: 0 } },
      { header: { name: 'pipe', type: 'fifo' } },
    ])

    const report = await extract(archive, destination)

    assert.deepEqual(await readdir(destination), [])
    assert.deepEqual(
      report.skipped.map(({ reason }) => reason),
      ['devices are not extracted', 'devices are not extracted', 'FIFOs are not extracted']
    )
  })

  test('the skipped list stops at 100 entries while the count goes on', async ({ assert }) => {
    const links = Array.from({ length: 150 }, (_, index) => ({
      header: { name: `link-${index}`, type: 'symlink' as const, linkname: '/etc' },
    }))

    const report = await extract(await gzipOf(links), destination)

    assert.lengthOf(report.skipped, 100)
    assert.equal(report.skippedCount, 150)
  })

  test('a name repeated in the archive: the later file replaces the earlier one', async ({
    assert,
  }) => {
    const archive = await gzipOf([file('notes.txt', 'first version'), file('notes.txt', 'second')])

    await extract(archive, destination)

    assert.equal(await readFile(join(destination, 'notes.txt'), 'utf8'), 'second')
  })

  test('a file under a name already taken by a file is skipped', async ({ assert }) => {
    const archive = await gzipOf([file('config', 'a file'), file('config/nested.txt', 'x')])

    const report = await extract(archive, destination)

    assert.equal(await readFile(join(destination, 'config'), 'utf8'), 'a file')
    assert.deepEqual(report.skipped, [
      { path: 'config/nested.txt', reason: 'a file stands where one of its folders should be' },
    ])
  })

  test('a file larger than maxFileBytes fails the extraction and keeps the previous snapshot', async ({
    assert,
  }) => {
    await previousSnapshot()
    const archive = await gzipOf([file('small.txt', 'ok'), file('big.bin', Buffer.alloc(2048))])

    const error = await captureError(
      extract(archive, destination, { limits: { maxFileBytes: 1024 } })
    )

    assert.instanceOf(error, ArchiveLimitError)
    assert.equal((error as ArchiveLimitError).limit, 'maxFileBytes')
    assert.equal(
      error.message,
      'The archive contains the file "big.bin", larger than the 1 KiB limit for a single file.'
    )
    await assertPreviousSnapshotKept(assert)
  })

  test('maxTotalBytes counts the bytes of all files together', async ({ assert }) => {
    await previousSnapshot()
    const files = Array.from({ length: 5 }, (_, index) =>
      file(`part-${index}.bin`, Buffer.alloc(600, index))
    )

    const error = await captureError(
      extract(await gzipOf(files), destination, {
        limits: { maxTotalBytes: 2048, maxFileBytes: 1024 },
      })
    )

    assert.instanceOf(error, ArchiveLimitError)
    assert.equal((error as ArchiveLimitError).limit, 'maxTotalBytes')
    assert.equal(error.message, 'The archive is larger than the 2 KiB limit.')
    await assertPreviousSnapshotKept(assert)
  })

  test('the default size limit reads in plain words', ({ assert }) => {
    assert.equal(
      ArchiveLimitError.exceeded('maxTotalBytes', 2 * 1024 ** 3).message,
      'The archive is larger than the 2 GiB limit.'
    )
  })

  test('more entries than maxEntries fails the extraction and keeps the previous snapshot', async ({
    assert,
  }) => {
    await previousSnapshot()
    const entries = Array.from({ length: 11 }, (_, index) => folder(`folder-${index}/`))

    const error = await captureError(
      extract(await gzipOf(entries), destination, { limits: { maxEntries: 10 } })
    )

    assert.instanceOf(error, ArchiveLimitError)
    assert.equal((error as ArchiveLimitError).limit, 'maxEntries')
    assert.equal(error.message, 'The archive has more than 10 entries, the limit.')
    await assertPreviousSnapshotKept(assert)
  })

  test('a header understating its size smuggles nothing: the archive is rejected as corrupt', async ({
    assert,
  }) => {
    await previousSnapshot()
    // The header says 10 bytes; the 2,000 that follow would be read as the next header.
    const tar = await tarOf([file('claims-small.txt', Buffer.alloc(2000, 'A'))])
    rewriteHeader(tar, 0, { size: 10 })

    const error = await captureError(extract(gzipSync(tar), destination))

    assert.instanceOf(error, ArchiveFormatError)
    await assertPreviousSnapshotKept(assert)
  })

  test('a download that is not gzip fails with ArchiveFormatError and keeps the previous snapshot', async ({
    assert,
  }) => {
    await previousSnapshot()

    const error = await captureError(extract(Buffer.from('<html>Rate limited</html>'), destination))

    assert.instanceOf(error, ArchiveFormatError)
    assert.equal(error.message, 'The download is not a gzip-compressed file.')
    await assertPreviousSnapshotKept(assert)
  })

  test('a truncated download fails with ArchiveFormatError and keeps the previous snapshot', async ({
    assert,
  }) => {
    await previousSnapshot()
    const archive = await gzipOf([file('data.bin', randomBytes(64 * 1024))])

    const error = await captureError(extract(archive.subarray(0, archive.length / 2), destination))

    assert.instanceOf(error, ArchiveFormatError)
    assert.equal(error.message, 'The archive is incomplete: the compressed data ends too early.')
    await assertPreviousSnapshotKept(assert)
  })

  test('gzip data that is not a tar fails with ArchiveFormatError', async ({ assert }) => {
    await previousSnapshot()

    const error = await captureError(extract(gzipSync(randomBytes(4096)), destination))

    assert.instanceOf(error, ArchiveFormatError)
    assert.equal(error.message, 'The archive is not a valid tar file, or it is corrupt.')
    await assertPreviousSnapshotKept(assert)
  })

  test('an empty download fails with ArchiveFormatError instead of emptying the snapshot', async ({
    assert,
  }) => {
    await previousSnapshot()

    const error = await captureError(extract(Buffer.alloc(0), destination))

    assert.instanceOf(error, ArchiveFormatError)
    await assertPreviousSnapshotKept(assert)
  })

  test('a second extraction replaces the first snapshot completely', async ({ assert }) => {
    await extract(
      await gzipOf([file('top/old.txt', 'v1'), file('top/lib/gone.ts', 'v1')]),
      destination,
      {
        stripComponents: 1,
      }
    )

    await extract(await gzipOf([file('top/new.txt', 'v2')]), destination, { stripComponents: 1 })

    assert.deepEqual(await readdir(destination, { recursive: true }), ['new.txt'])
    assert.deepEqual(await readdir(parent), ['snapshot'])
  })

  test('a large archive streams through with bounded memory', async ({ assert }) => {
    const fileCount = 4
    const fileBytes = 50 * 1024 ** 2
    const archivePath = join(workspace, 'large.tar.gz')
    const zeros = Buffer.alloc(64 * 1024)

    // Built as a stream too: the test itself never holds the archive.
    const packer = pack()
    const writing = pipeline(packer, createGzip({ level: 1 }), createWriteStream(archivePath))
    function* zeroChunks() {
      for (let written = 0; written < fileBytes; written += zeros.length) yield zeros
    }
    for (let index = 0; index < fileCount; index++) {
      await pipeline(
        Readable.from(zeroChunks()),
        packer.entry({ name: `top/zeros-${index}.bin`, size: fileBytes })
      )
    }
    packer.finalize()
    await writing

    const baseline = process.memoryUsage().rss
    let peak = baseline
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss)
    }, 5)
    try {
      const report = await extractTarball(createReadStream(archivePath), destination, {
        stripComponents: 1,
      })
      assert.equal(report.bytes, fileCount * fileBytes)
    } finally {
      clearInterval(sampler)
    }

    assert.equal((await stat(join(destination, `zeros-${fileCount - 1}.bin`))).size, fileBytes)
    assert.isBelow(peak - baseline, 100 * 1024 ** 2)
  }).timeout(120_000)

  test('aborting mid-way rejects promptly, removes the temporary folder and keeps the previous snapshot', async ({
    assert,
  }) => {
    await previousSnapshot()
    const files = Array.from({ length: 16 }, (_, index) =>
      file(`top/part-${index}.bin`, randomBytes(256 * 1024))
    )
    const archive = await gzipOf(files)
    // A download that delivers half the archive, then stalls.
    let delivered = false
    const stalledDownload = new Readable({
      read() {
        if (delivered) return
        delivered = true
        this.push(archive.subarray(0, archive.length / 2))
      },
    })
    const controller = new AbortController()

    const extraction = extractTarball(stalledDownload, destination, {
      stripComponents: 1,
      signal: controller.signal,
      onProgress: ({ files: done }) => {
        if (done === 2) setTimeout(() => controller.abort(), 20)
      },
    })
    const errorPromise = captureError(extraction)
    const abortedAt = await new Promise<number>((resolve) =>
      controller.signal.addEventListener('abort', () => resolve(performance.now()))
    )
    const error = await errorPromise

    assert.equal(error.name, 'AbortError')
    assert.isBelow(performance.now() - abortedAt, 1000)
    assert.isTrue(stalledDownload.destroyed)
    await assertPreviousSnapshotKept(assert)
  })

  test('an already aborted signal creates nothing', async ({ assert }) => {
    const download = Readable.from([await gzipOf([file('a.txt', 'a')])])

    const error = await captureError(
      extractTarball(download, destination, { signal: AbortSignal.abort() })
    )

    assert.equal(error.name, 'AbortError')
    assert.isFalse(existsSync(parent))
  })
})
