import { test } from '@japa/runner'
import { ESLint } from 'eslint'

/**
 * The plugin boundary is enforced by lint (eslint.config.js): a plugin
 * that reaches into the core fails `npm run lint`.
 */
async function boundaryErrors(source: string, filePath: string) {
  const eslint = new ESLint()
  const [result] = await eslint.lintText(source, { filePath })
  return result.messages
    .filter((message) =>
      ['no-restricted-imports', 'no-restricted-syntax'].includes(message.ruleId ?? '')
    )
    .map((message) => message.message)
}

test.group('Plugin boundary | lint', () => {
  test('a plugin importing a core model, service or action fails lint', async ({ assert }) => {
    for (const specifier of ['#models/user', '#services/secret_box', '#actions/sync/run_sync']) {
      const errors = await boundaryErrors(
        `import core from '${specifier}'\nexport default core\n`,
        'plugins/probe/plugin.ts'
      )
      assert.lengthOf(errors, 1, specifier)
      assert.include(errors[0], 'A plugin imports only "#plugin-sdk" from Sextant')
    }
  }).timeout(60_000)

  test("a plugin reaching a framework service or the core's files by path fails lint", async ({
    assert,
  }) => {
    const errors = await boundaryErrors(
      [
        `import cache from '@adonisjs/cache/services/main'`,
        `import { sqlTime } from '../../app/services/sql.js'`,
        `export { cache, sqlTime }`,
        '',
      ].join('\n'),
      'plugins/probe/knowledge/answer_cache.ts'
    )
    assert.lengthOf(errors, 2)
  }).timeout(60_000)

  test('the SDK, own files, node: modules and npm packages pass; tests are exempt', async ({
    assert,
  }) => {
    const allowed = [
      `import { definePlugin } from '#plugin-sdk'`,
      `import type { SealedColumn } from '#plugin-sdk/declarations'`,
      `import { readFile } from 'node:fs/promises'`,
      `import OpenAI from 'openai'`,
      `import { helper } from './helper.js'`,
      `export { definePlugin, readFile, OpenAI, helper }`,
      `export type { SealedColumn }`,
      '',
    ].join('\n')
    assert.deepEqual(await boundaryErrors(allowed, 'plugins/probe/plugin.ts'), [])
    assert.deepEqual(
      await boundaryErrors(
        `import User from '#models/user'\nexport default User\n`,
        'plugins/probe/tests/plugin.spec.ts'
      ),
      []
    )
  }).timeout(60_000)

  test('a plugin reaching the core through import() fails lint as a static import does', async ({
    assert,
  }) => {
    const errors = await boundaryErrors(
      [
        `export async function load(name: string) {`,
        `  const user = await import('#models/user')`,
        `  const db = await import('@adonisjs/lucid/services/db')`,
        `  const sql = await import('../../app/services/sql.js')`,
        `  const kit = await import('#plugin-sdk/testing')`,
        `  const fixtures = await import('./tests/testbed.js')`,
        `  const unchecked = await import(name)`,
        `  return [user, db, sql, kit, fixtures, unchecked]`,
        `}`,
        '',
      ].join('\n'),
      'plugins/probe/sync/load.ts'
    )
    assert.lengthOf(errors, 6, errors.join('\n'))
    assert.include(errors[0], 'in import() too')
    assert.deepEqual(
      await boundaryErrors(
        `export const load = () => [import('#plugin-sdk'), import('./sync/load.js'), import('node:fs')]\n`,
        'plugins/probe/plugin.ts'
      ),
      []
    )
  }).timeout(60_000)

  test('a benchmark reaches fixtures through the test kit and tests/fake_*, never the testbed', async ({
    assert,
  }) => {
    const bench = 'plugins/probe/commands/bench_probe.ts'
    assert.deepEqual(
      await boundaryErrors(
        [
          `export async function run() {`,
          `  const kit = await import('#plugin-sdk/testing')`,
          `  const fake = await import('../tests/fake_probe/server.js')`,
          `  return [kit, fake]`,
          `}`,
          '',
        ].join('\n'),
        bench
      ),
      []
    )
    const errors = await boundaryErrors(
      [
        `export async function run() {`,
        `  const testbed = await import('../tests/testbed.js')`,
        `  const factories = await import('#tests/helpers/factories')`,
        `  const sync = await import('#actions/sync/run_sync')`,
        `  return [testbed, factories, sync]`,
        `}`,
        '',
      ].join('\n'),
      bench
    )
    assert.lengthOf(errors, 3, errors.join('\n'))
    // the fake providers a benchmark starts are held to the boundary too
    assert.lengthOf(
      await boundaryErrors(
        `import { withEnv } from '#tests/helpers/env'\nexport { withEnv }\n`,
        'plugins/probe/tests/fake_probe/server.ts'
      ),
      1
    )
  }).timeout(60_000)
})
