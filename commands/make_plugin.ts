import { existsSync } from 'node:fs'
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join, relative, resolve } from 'node:path'
import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import {
  AUTH_KINDS,
  PLUGIN_KINDS,
  renderStub,
  type ScaffoldAuth,
  type ScaffoldKind,
  type ScaffoldNames,
} from '#services/plugins/scaffold'

/** The manifest's rule for plugin ids (see app/services/plugins/manifest.ts). */
const PLUGIN_ID = /^[a-z][a-z0-9-]{1,39}$/

/** Letters, digits, spaces, "-" and "_": anything else would end up in generated code. */
const PLUGIN_NAME = /^[A-Za-z0-9][A-Za-z0-9 _-]*$/

const STUB_SUFFIX = '.stub'

type PluginNames = ScaffoldNames

/**
 * "Acme Tracker", "AcmeTracker" and "acme_tracker" all become acme-tracker;
 * null when the name cannot make a valid plugin id.
 */
function pluginNamesFrom(input: string): PluginNames | null {
  const trimmed = input.trim()
  if (!PLUGIN_NAME.test(trimmed)) return null
  const id = trimmed
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/[\s_]+/g, '-')
    .toLowerCase()
  if (!PLUGIN_ID.test(id)) return null
  const words = id.split('-').filter(Boolean)
  const capitalized = words.map((word) => word[0].toUpperCase() + word.slice(1))
  return {
    id,
    name: capitalized.join(' '),
    className: capitalized.join(''),
    envPrefix: words.join('_').toUpperCase(),
  }
}

export default class MakePlugin extends BaseCommand {
  static commandName = 'make:plugin'
  static description =
    'Create a provider plugin in plugins/<id>/: connection (--auth token|oauth2), API client, sync tasks for its --kind (code|issues|security|marketing|none), webhooks, views and tests'

  @args.string({
    description: 'The provider\'s name, e.g. "Acme Tracker" (its id becomes acme-tracker)',
  })
  declare name: string

  @flags.string({
    description: 'The plugins folder to write into (default: PLUGINS_PATH, else plugins/)',
  })
  declare dir?: string

  @flags.string({
    description: `How an organisation connects: ${AUTH_KINDS.join(' or ')} (default token)`,
  })
  declare auth?: string

  @flags.string({
    description: `What it syncs: ${PLUGIN_KINDS.join(', ')} (default code; none has no connection)`,
  })
  declare kind?: string

  async run() {
    const kind = (this.kind ?? 'code') as ScaffoldKind
    if (!PLUGIN_KINDS.includes(kind)) {
      return this.#refuse(`--kind must be one of ${PLUGIN_KINDS.join(', ')} (not "${this.kind}")`)
    }
    const auth = (this.auth ?? 'token') as ScaffoldAuth
    if (!AUTH_KINDS.includes(auth)) {
      return this.#refuse(`--auth must be one of ${AUTH_KINDS.join(', ')} (not "${this.auth}")`)
    }
    if (kind === 'none' && this.auth !== undefined) {
      return this.#refuse('--kind none makes a plugin with no connection: leave --auth out')
    }
    const variant = { kind, auth: kind === 'none' ? null : auth }
    const names = pluginNamesFrom(this.name)
    if (!names) {
      return this.#refuse(
        `"${this.name}" does not make a valid plugin id: use letters, digits, spaces or dashes, starting with a letter (the id is 2-40 characters of a-z, 0-9 and "-")`
      )
    }
    const root = await this.#pluginsRoot()
    const target = join(root, names.id)
    if (existsSync(target)) {
      return this.#refuse(`${this.#shown(target)} already exists; choose another name or remove it`)
    }

    const stubsRoot = this.app.makePath('stubs/plugin')
    const entries = await readdir(stubsRoot, { recursive: true })
    const stubs = entries.filter((path) => path.endsWith(STUB_SUFFIX)).sort()
    const written: string[] = []
    for (const stub of stubs) {
      const template = await readFile(join(stubsRoot, stub), 'utf8')
      const text = renderStub(template, names, variant, stub)
      if (text === null) continue
      const path = stub.slice(0, -STUB_SUFFIX.length)
      const destination = join(target, path)
      await mkdir(dirname(destination), { recursive: true })
      // "wx": never overwrite, even if the folder appeared meanwhile.
      await writeFile(destination, await this.#formatted(destination, text), { flag: 'wx' })
      written.push(path)
    }

    const shape = variant.auth ? `${variant.kind}, ${variant.auth}` : 'no connection'
    this.logger.success(`Created ${this.#shown(target)}/ (${shape}: ${written.join(', ')})`)
    await this.#printNextSteps(root, target)
  }

  async #printNextSteps(root: string, target: string) {
    if (relative(this.app.makePath(), target).startsWith('..')) {
      this.logger.warning(
        'This folder is outside the application: "#plugin-sdk" resolves through its package.json, so the plugin cannot load from here'
      )
    }
    this.logger.info(
      `Next: adapt the lines marked "CHANGE:" (see ${this.#shown(target)}/README.md)`
    )
    const { pluginRoots } = await import('#services/plugins/discovery')
    if (!pluginRoots().includes(root)) {
      this.logger.info(
        `Sextant loads it once PLUGINS_EXTRA_PATHS (or PLUGINS_PATH) lists ${this.#shown(root)}`
      )
      return
    }
    // The "plugins" test suite only globs plugins/*/tests.
    if (root === this.app.makePath('plugins')) {
      this.logger.log(
        `  node ace test plugins --files ${this.#shown(join(target, 'tests/plugin.spec.ts'))}`
      )
    }
    this.logger.log('  node ace plugins:list')
  }

  async #pluginsRoot() {
    // resolve() also normalises an absolute path, so it compares equal to the configured roots.
    if (this.dir) return resolve(this.app.makePath(), this.dir)
    const { pluginRoots } = await import('#services/plugins/discovery')
    return pluginRoots()[0]
  }

  /**
   * TypeScript laid out by the project's Prettier config, so a generated
   * plugin passes lint whatever its name's length; as rendered when
   * Prettier is not installed (a production install).
   */
  async #formatted(path: string, text: string) {
    if (!path.endsWith('.ts')) return text
    try {
      const prettier = await import('prettier')
      const options = await prettier.resolveConfig(this.app.makePath('package.json'))
      return await prettier.format(text, { ...options, filepath: path })
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') return text
      throw error
    }
  }

  #shown(path: string) {
    const fromApp = relative(this.app.makePath(), path)
    return fromApp.startsWith('..') ? path : fromApp
  }

  #refuse(message: string) {
    this.logger.error(`make:plugin: ${message}`)
    this.exitCode = 1
  }
}
