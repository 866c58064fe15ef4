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
    .filter((message) => message.ruleId === 'no-restricted-imports')
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
})
