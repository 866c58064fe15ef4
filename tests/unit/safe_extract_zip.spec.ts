import { test } from '@japa/runner'
import type { Assert } from '@japa/assert'
import { createHash, randomBytes } from 'node:crypto'
import { createReadStream, createWriteStream, existsSync } from 'node:fs'
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import yazl from 'yazl'
import {
  ArchiveFormatError,
  ArchiveLimitError,
  extractArchive,
  extractZip,
  type ExtractOptions,
} from '#services/archives/safe_extract'
import { understateSize, zipOf } from '#tests/helpers/zip_archives'

async function captureError(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (error) {
    return error as Error
  }
  throw new Error('Expected the promise to reject')
}

function extract(zip: Buffer, destination: string, options: ExtractOptions = {}) {
  return extractZip(Readable.from([zip]), destination, options)
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex')

test.group('Safe zip extraction', (group) => {
  let workspace: string
  /** where snapshots go; every test checks nothing else is left in it */
  let parent: string
  let destination: string

  group.each.setup(async () => {
    workspace = await mkdtemp(join(tmpdir(), 'sextant-unzip-'))
    parent = join(workspace, 'storage', 'repositories')
    destination = join(parent, 'snapshot')
    return () => rm(workspace, { recursive: true, force: true })
  })

  async function previousSnapshot() {
    await mkdir(destination, { recursive: true })
    await writeFile(join(destination, 'old.txt'), 'previous content')
  }

  /** The failed extraction replaced nothing and left no staging folder or spooled zip. */
  async function assertPreviousSnapshotKept(assert: Assert) {
    assert.deepEqual(await readdir(parent), ['snapshot'])
    assert.deepEqual(await readdir(destination), ['old.txt'])
    assert.equal(await readFile(join(destination, 'old.txt'), 'utf8'), 'previous content')
  }

  /** Nothing was written anywhere but inside the snapshot folder. */
  async function assertNothingOutside(assert: Assert) {
    assert.deepEqual(await readdir(workspace), ['storage'])
    assert.deepEqual(await readdir(join(workspace, 'storage')), ['repositories'])
    assert.deepEqual(await readdir(parent), ['snapshot'])
  }

  test('a good zip extracts byte-identical, with modes, folders and the top folder stripped', async ({
    assert,
  }) => {
    const binary = randomBytes(300 * 1024)
    const text = 'package main\n\nfunc main() {}\n'.repeat(200)
    const zip = await zipOf([
      { name: 'repo-main/', directory: true },
      { name: 'repo-main/main.go', data: text },
      { name: 'repo-main/assets/logo.bin', data: binary, store: true },
      { name: 'repo-main/scripts/build.sh', data: '#!/bin/sh\necho ok\n', mode: 0o100755 },
      { name: 'repo-main/empty/', directory: true },
    ])

    const report = await extract(zip, destination, { stripComponents: 1 })

    assert.equal(await readFile(join(destination, 'main.go'), 'utf8'), text)
    assert.equal(sha256(await readFile(join(destination, 'assets/logo.bin'))), sha256(binary))
    assert.equal((await stat(join(destination, 'scripts/build.sh'))).mode & 0o777, 0o755)
    assert.equal((await stat(join(destination, 'main.go'))).mode & 0o777, 0o644)
    assert.isTrue((await stat(join(destination, 'empty'))).isDirectory())
    assert.deepInclude(report, { files: 3, skippedCount: 0 })
    assert.equal(report.bytes, Buffer.byteLength(text) + binary.length + 18)
    await assertNothingOutside(assert)
  })

  test('"../evil" is skipped, listed, and writes nothing outside the folder', async ({
    assert,
  }) => {
    const zip = await zipOf(
      [
        { name: 'ok.txt', data: 'fine' },
        { name: 'XX/evil', data: 'escaped' },
        { name: 'aa/YY/ZZ/evil', data: 'escaped' },
      ],
      { 'XX/evil': '../evil', 'aa/YY/ZZ/evil': 'aa/../../evil' }
    )

    const report = await extract(zip, destination)

    assert.equal(await readFile(join(destination, 'ok.txt'), 'utf8'), 'fine')
    assert.deepEqual(await readdir(destination), ['ok.txt'])
    assert.deepEqual(report.skipped, [
      { path: '../evil', reason: 'unsafe name: the name contains a ".." segment' },
      { path: 'aa/../../evil', reason: 'unsafe name: the name contains a ".." segment' },
    ])
    await assertNothingOutside(assert)
  })

  test('"..\\evil" (Windows separators) is skipped like "../evil"', async ({ assert }) => {
    const zip = await zipOf(
      [
        { name: 'ok.txt', data: 'fine' },
        { name: 'XXYevil', data: 'escaped' },
      ],
      { XXYevil: '..\\evil' }
    )

    const report = await extract(zip, destination)

    assert.deepEqual(await readdir(destination), ['ok.txt'])
    assert.equal(report.skippedCount, 1)
    assert.equal(report.skipped[0].reason, 'unsafe name: the name contains a ".." segment')
    await assertNothingOutside(assert)
  })

  test('absolute paths and drive letters are skipped', async ({ assert }) => {
    const target = join(workspace, 'absolute-evil')
    const zip = await zipOf(
      [
        { name: 'ok.txt', data: 'fine' },
        { name: `X${target.slice(1)}`, data: 'escaped' },
        { name: 'CX/evil', data: 'escaped' },
      ],
      { [`X${target.slice(1)}`]: target, 'CX/evil': 'C:/evil' }
    )

    const report = await extract(zip, destination)

    assert.isFalse(existsSync(target))
    assert.deepEqual(await readdir(destination), ['ok.txt'])
    assert.deepEqual(
      report.skipped.map((skip) => skip.reason),
      [
        'unsafe name: the name is an absolute path',
        'unsafe name: the name starts with a drive letter',
      ]
    )
    await assertNothingOutside(assert)
  })

  test('an entry with symlink mode bits is skipped: no link, nothing written through it', async ({
    assert,
  }) => {
    const outside = join(workspace, 'outside')
    await mkdir(outside)
    const zip = await zipOf([
      { name: 'ok.txt', data: 'fine' },
      { name: 'link', data: outside, mode: 0o120777 },
      { name: 'link/passwd', data: 'escaped' },
    ])

    const report = await extract(zip, destination)

    assert.deepEqual(await readdir(outside), [])
    assert.isFalse((await lstat(join(destination, 'link'))).isSymbolicLink())
    assert.deepInclude(report.skipped, {
      path: 'link',
      reason: 'symbolic links are not extracted',
    })
    for (const entry of (await readdir(destination, { recursive: true })) as string[]) {
      assert.isFalse((await lstat(join(destination, entry))).isSymbolicLink(), entry)
    }
  })

  test('a zip bomb (one file compressed 1000 to 1) is refused and keeps the previous snapshot', async ({
    assert,
  }) => {
    await previousSnapshot()
    const zip = await zipOf([
      { name: 'ok.txt', data: 'fine' },
      { name: 'bomb.bin', data: Buffer.alloc(16 * 1024 ** 2) },
    ])
    assert.isBelow(zip.length, 64 * 1024)

    const error = await captureError(extract(zip, destination))

    assert.instanceOf(error, ArchiveLimitError)
    assert.equal((error as ArchiveLimitError).limit, 'maxCompressionRatio')
    assert.equal(
      error.message,
      'The archive contains the file "bomb.bin", compressed more than 100 to 1 (the limit): refused as a zip bomb.'
    )
    await assertPreviousSnapshotKept(assert)
  })

  test('a zip understating a file size in its directory is refused as corrupt', async ({
    assert,
  }) => {
    await previousSnapshot()
    const zip = understateSize(
      await zipOf([{ name: 'grows.bin', data: Buffer.alloc(512 * 1024, 'A') }]),
      'grows.bin',
      1024
    )

    const error = await captureError(extract(zip, destination))

    assert.instanceOf(error, ArchiveFormatError)
    assert.match(error.message, /^The zip archive is corrupt: too many bytes in the stream/)
    await assertPreviousSnapshotKept(assert)
  })

  test('more entries than maxEntries is refused from the directory, before any file', async ({
    assert,
  }) => {
    await previousSnapshot()
    const entries = Array.from({ length: 11 }, (_, index) => ({ name: `f${index}`, data: 'x' }))
    const error = await captureError(
      extract(await zipOf(entries), destination, { limits: { maxEntries: 10 } })
    )
    assert.instanceOf(error, ArchiveLimitError)
    assert.equal((error as ArchiveLimitError).limit, 'maxEntries')
    await assertPreviousSnapshotKept(assert)
  })

  test('files adding up past maxTotalBytes are refused', async ({ assert }) => {
    await previousSnapshot()
    const entries = Array.from({ length: 4 }, (_, index) => ({
      name: `part-${index}.bin`,
      data: randomBytes(600),
    }))
    const error = await captureError(
      extract(await zipOf(entries), destination, { limits: { maxTotalBytes: 2048 } })
    )
    assert.instanceOf(error, ArchiveLimitError)
    assert.equal((error as ArchiveLimitError).limit, 'maxTotalBytes')
    await assertPreviousSnapshotKept(assert)
  })

  test('a download that is not a zip, or is cut short, fails with ArchiveFormatError', async ({
    assert,
  }) => {
    await previousSnapshot()
    const good = await zipOf([{ name: 'a.txt', data: 'a' }])
    for (const download of [randomBytes(4096), good.subarray(0, good.length - 30)]) {
      const error = await captureError(extract(download, destination))
      assert.instanceOf(error, ArchiveFormatError)
      assert.equal(error.message, 'The download is not a zip archive, or it is truncated.')
    }
    const empty = await captureError(extract(Buffer.alloc(0), destination))
    assert.equal(empty.message, 'The archive is empty.')
    await assertPreviousSnapshotKept(assert)
  })

  test('extractArchive refuses an unknown format before reading the download', async ({
    assert,
  }) => {
    const download = Readable.from([Buffer.from('x')])
    const error = await captureError(
      extractArchive(download, destination, { format: 'rar' as 'zip' })
    )
    assert.equal(error.message, 'The archive format must be tar.gz or zip')
    assert.isTrue(download.destroyed)
    assert.isFalse(existsSync(parent))
  })

  test('aborting while the zip downloads rejects promptly and removes what was spooled', async ({
    assert,
  }) => {
    await previousSnapshot()
    const zip = await zipOf([{ name: 'a.bin', data: randomBytes(512 * 1024), store: true }])
    let delivered = false
    const stalledDownload = new Readable({
      read() {
        if (delivered) return
        delivered = true
        this.push(zip.subarray(0, zip.length / 2))
      },
    })
    const controller = new AbortController()
    const extraction = captureError(
      extractZip(stalledDownload, destination, { signal: controller.signal })
    )
    setTimeout(() => controller.abort(), 50)
    const error = await extraction

    assert.equal(error.name, 'AbortError')
    assert.isTrue(stalledDownload.destroyed)
    await assertPreviousSnapshotKept(assert)
  })

  test('a large zip streams through disk with bounded memory', async ({ assert }) => {
    const fileCount = 4
    const fileBytes = 32 * 1024 ** 2
    const archivePath = join(workspace, 'large.zip')
    // Random blocks, stored: a realistic ratio, cheap to build.
    const block = randomBytes(1024 ** 2)
    const zip = new yazl.ZipFile()
    for (let index = 0; index < fileCount; index++) {
      const chunks = Readable.from(
        (function* () {
          for (let written = 0; written < fileBytes; written += block.length) yield block
        })()
      )
      zip.addReadStream(chunks, `top/part-${index}.bin`, { compress: false, size: fileBytes })
    }
    zip.end()
    await pipeline(zip.outputStream, createWriteStream(archivePath))

    const baseline = process.memoryUsage().rss
    let peak = baseline
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss)
    }, 5)
    try {
      const report = await extractZip(createReadStream(archivePath), destination, {
        stripComponents: 1,
      })
      assert.equal(report.bytes, fileCount * fileBytes)
    } finally {
      clearInterval(sampler)
    }

    assert.equal((await stat(join(destination, `part-${fileCount - 1}.bin`))).size, fileBytes)
    assert.isBelow(peak - baseline, 100 * 1024 ** 2)
    assert.deepEqual(await readdir(parent), ['snapshot'])
  }).timeout(120_000)
})
