import { test } from '@japa/runner'
import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { promisify } from 'node:util'
import { deployedNodeEnv, deployedNodeFlags } from '#bench/support'

/**
 * The processes are deployed with V8 heap flags (docs/performance.md,
 * "V8 heap flags"): without them V8 grows the young generation to 128 MiB
 * (two 64 MiB semi-spaces) and an idle web process keeps most of it
 * resident.
 */
const units = ['web', 'worker', 'scheduler']

async function unitEnvironment(unit: string) {
  const text = await readFile(`deploy/systemd/sextant-${unit}@.service`, 'utf8')
  return [...text.matchAll(/^Environment=(MALLOC_\w+=\S+)$/gm)].map((match) => match[1])
}

/** RSS once 8 scrypt hashes (16 MiB each, on libuv's threads) are done, in MiB */
async function rssAfterHashes(env: Record<string, string>) {
  const probe = `
    const { scrypt } = await import('node:crypto')
    const { promisify } = await import('node:util')
    const hash = promisify(scrypt)
    await Promise.all(Array.from({ length: 8 }, (_, i) =>
      hash('password ' + i, 'salt', 64, { N: 16384, r: 8, p: 1, maxmem: 33554432 })))
    await new Promise((resolve) => setTimeout(resolve, 200))
    console.log(process.memoryUsage.rss() / 1048576)
  `
  // only what the probe is given: not a threshold this process inherited
  const inherited = { ...process.env }
  delete inherited.MALLOC_MMAP_THRESHOLD_
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--input-type=module', '-e', probe],
    { env: { ...inherited, ...env } }
  )
  return Number(stdout.trim())
}

async function unitFlags(unit: string) {
  const text = await readFile(`deploy/systemd/sextant-${unit}@.service`, 'utf8')
  const command = /^ExecStart=(.*)$/m.exec(text)![1]
  return command.split(/\s+/).filter((word) => word.startsWith('--'))
}

/** the young generation's size after allocating 3 million short-lived objects */
async function newSpaceMiB(flags: string[]) {
  const probe = `
    const v8 = await import('node:v8')
    let kept = []
    for (let i = 0; i < 3e6; i++) { kept.push({ i, s: 'x' + i }); if (kept.length > 100000) kept = [] }
    const space = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')
    console.log(space.space_size / 1048576)
  `
  const { stdout } = await promisify(execFile)(process.execPath, [
    ...flags,
    '--input-type=module',
    '-e',
    probe,
  ])
  return Number(stdout.trim())
}

test.group('V8 heap flags | deployment', () => {
  test('the web, worker and scheduler units start node with the same heap flags', async ({
    assert,
  }) => {
    const web = await unitFlags('web')
    assert.include(web, '--max-semi-space-size=8')
    for (const unit of units) assert.deepEqual(await unitFlags(unit), web, unit)
  })

  test('the units set the same allocator threshold', async ({ assert }) => {
    const web = await unitEnvironment('web')
    assert.deepEqual(web, ['MALLOC_MMAP_THRESHOLD_=131072'])
    for (const unit of units) assert.deepEqual(await unitEnvironment(unit), web, unit)
  })

  test('the benchmarks read the web unit flags and allocator setting', async ({ assert }) => {
    assert.deepEqual(await deployedNodeFlags(), await unitFlags('web'))
    assert.deepEqual(
      Object.entries(await deployedNodeEnv()).map(([name, value]) => `${name}=${value}`),
      await unitEnvironment('web')
    )
  })

  test('npm start and bench:github run node with the worker unit flags and allocator setting', async ({
    assert,
  }) => {
    const scripts = JSON.parse(await readFile('package.json', 'utf8')).scripts
    const command = `${(await unitEnvironment('worker')).join(' ')} node ${(await unitFlags('worker')).join(' ')} `
    assert.include(scripts.start, command)
    assert.include(scripts['bench:github'], command)
  })

  test('under the deployed flags the young generation stays at 16 MiB', async ({ assert }) => {
    const deployed = await newSpaceMiB(await deployedNodeFlags())
    assert.isAtMost(deployed, 16)
    // without them V8 grows it further: the flag is what bounds it
    assert.isAbove(await newSpaceMiB([]), 16)
  }).timeout(30_000)

  test('under the deployed allocator setting, memory freed by password hashing goes back', async ({
    assert,
  }) => {
    const deployed = await rssAfterHashes(await deployedNodeEnv())
    const glibcDefault = await rssAfterHashes({})
    // glibc's default keeps at least one 16 MiB block per thread that hashed
    assert.isBelow(deployed, glibcDefault - 16)
  }).timeout(30_000)
})
