import { test } from '@japa/runner'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'

/**
 * In a fresh process (this one may have checked a password already):
 * whether zxcvbn is loaded after importing the policy, and after one check.
 */
const probe = `
  const { createRequire } = await import('node:module')
  const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((file) => file.includes('@zxcvbn-ts'))
  const policy = await import('./app/services/password_policy.ts')
  const atImport = loaded()
  const problems = policy.passwordProblems('correct horse battery staple 1987!')
  console.log(JSON.stringify({ atImport, afterCheck: loaded(), problems }))
`

test.group('Password policy | loading', () => {
  test('zxcvbn and its dictionaries load on the first check, not on import', async ({ assert }) => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import=@poppinss/ts-exec', '--input-type=module', '-e', probe],
      { cwd: process.cwd() }
    )
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!)
    assert.isFalse(result.atImport)
    assert.isTrue(result.afterCheck)
    assert.deepEqual(result.problems, [])
  })
})
