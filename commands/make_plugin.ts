import { existsSync } from 'node:fs'
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join, relative, resolve } from 'node:path'
import { BaseCommand, args, flags } from '@adonisjs/core/ace'

/** The manifest's rule for plugin ids (see app/services/plugins/manifest.ts). */
const PLUGIN_ID = /^[a-z][a-z0-9-]{1,39}$/

/** Letters, digits, spaces, "-" and "_": anything else would end up in generated code. */
const PLUGIN_NAME = /^[A-Za-z0-9][A-Za-z0-9 _-]*$/

const STUB_SUFFIX = '.stub'

type PluginNames = {
  /** acme-tracker: the folder and manifest id */
  id: string
  /** Acme Tracker: shown to people */
  name: string
  /** AcmeTracker: prefix of the generated types and classes */
  className: string
  /** ACME_TRACKER: prefix of the plugin's environment variables */
  envPrefix: string
}

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

/**
 * Fills the %%placeholders%% of a stub. An unknown placeholder is a bug in
 * the stubs, so it fails loudly instead of leaking into a plugin.
 */
function render(template: string, names: PluginNames, stubPath: string) {
  return template.replace(/%%(\w+)%%/g, (_match, key: string) => {
    if (!(key in names)) throw new Error(`${stubPath} uses an unknown placeholder %%${key}%%`)
    return names[key as keyof PluginNames]
  })
}

export default class MakePlugin extends BaseCommand {
  static commandName = 'make:plugin'
  static description =
    'Create a provider plugin in plugins/<id>/: token connection, API client, sync task, webhooks, views and tests'

  @args.string({
    description: 'The provider\'s name, e.g. "Acme Tracker" (its id becomes acme-tracker)',
  })
  declare name: string

  @flags.string({
    description: 'The plugins folder to write into (default: PLUGINS_PATH, else plugins/)',
  })
  declare dir?: string

  async run() {
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
      const path = stub.slice(0, -STUB_SUFFIX.length)
      const destination = join(target, path)
      await mkdir(dirname(destination), { recursive: true })
      // "wx": never overwrite, even if the folder appeared meanwhile.
      await writeFile(destination, render(template, names, stub), { flag: 'wx' })
      written.push(path)
    }

    this.logger.success(`Created ${this.#shown(target)}/ (${written.join(', ')})`)
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

  #shown(path: string) {
    const fromApp = relative(this.app.makePath(), path)
    return fromApp.startsWith('..') ? path : fromApp
  }

  #refuse(message: string) {
    this.logger.error(`make:plugin: ${message}`)
    this.exitCode = 1
  }
}
