import { test } from '@japa/runner'
import { execFile } from 'node:child_process'
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { fileURLToPath } from 'node:url'

const run = promisify(execFile)
const root = fileURLToPath(new URL('../../', import.meta.url))
const script = join(root, 'deploy/verify-units.sh')

test.group('Deploy | systemd units', () => {
  test('every unit in deploy/systemd passes systemd-analyze verify', async ({ assert }) => {
    const { stdout } = await run('bash', [script])
    assert.match(stdout, /^4 units verified/)
  })

  test('the check fails on a unit systemd would only warn about', async ({ assert, cleanup }) => {
    // a copy of the deploy folder with one mistyped value
    const copy = await mkdtemp(join(tmpdir(), 'sextant-units-'))
    cleanup(() => rm(copy, { recursive: true, force: true }))
    await run('mkdir', ['-p', join(copy, 'systemd')])
    await copyFile(script, join(copy, 'verify-units.sh'))
    for (const unit of ['sextant-web@.service', 'sextant.target']) {
      const text = await readFile(join(root, 'deploy/systemd', unit), 'utf8')
      await writeFile(
        join(copy, 'systemd', unit),
        text.replace('Restart=on-failure', 'Restart=sometimes')
      )
    }
    await assert.rejects(() => run('bash', [join(copy, 'verify-units.sh')]))
  })
})
