import { readdir, readFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { test } from '@japa/runner'

const PLUGIN = fileURLToPath(new URL('../', import.meta.url))

/** the modules a file imports (static `from '…'` and dynamic `import('…')`) */
async function importsOf(file: string) {
  const source = await readFile(file, 'utf8')
  const found = [...source.matchAll(/(?:from\s+|import\s*\(\s*)'([^']+)'/g)].map((m) => m[1])
  return found
}

async function sourceFiles(folder: string, skip: (path: string) => boolean): Promise<string[]> {
  const files: string[] = []
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name)
    if (skip(relative(PLUGIN, path))) continue
    if (entry.isDirectory()) files.push(...(await sourceFiles(path, skip)))
    else if (entry.name.endsWith('.ts')) files.push(path)
  }
  return files
}

/** a core module ("#services/…", "#models/…"): everything starting with # but the SDK */
const isCore = (specifier: string) => specifier.startsWith('#') && specifier !== '#plugin-sdk'

test.group('Noa plugin: imports', () => {
  test('the plugin’s code, the bench included, reaches the core only through #plugin-sdk', async ({
    assert,
  }) => {
    const files = await sourceFiles(PLUGIN, (path) => path === 'tests')
    const offending: string[] = []
    for (const file of files) {
      for (const specifier of await importsOf(file)) {
        if (isCore(specifier)) offending.push(`${relative(PLUGIN, file)}: ${specifier}`)
      }
    }
    assert.isAbove(files.length, 40)
    assert.deepEqual(offending, [])
  })

  test('the test fixtures the bench loads do not reach into the core either', async ({
    assert,
  }) => {
    const fixtures = ['fake_model_server.ts', 'models.ts', 'glasses.ts'].map((name) =>
      join(PLUGIN, 'tests', 'fake_model', name)
    )
    const offending: string[] = []
    for (const file of fixtures) {
      for (const specifier of await importsOf(file)) {
        if (isCore(specifier)) offending.push(`${relative(PLUGIN, file)}: ${specifier}`)
      }
    }
    assert.deepEqual(offending, [])
  })
})
