/**
 * The templates `node ace make:plugin` fills (stubs/plugin/**.stub):
 * `%%placeholder%%` values, and blocks kept or dropped by the variant
 * asked for (`--auth`, `--kind`):
 *
 *     %%if oauth2%%          a line of its own; `a|b` is either, `!a` is not a
 *     ...
 *     %%else%%
 *     ...
 *     %%endif%%
 *
 * A stub whose first line is `%%file <condition>%%` is written only for
 * the variants the condition holds for.
 */

export const AUTH_KINDS = ['token', 'oauth2'] as const
export const PLUGIN_KINDS = ['code', 'issues', 'security', 'marketing', 'none'] as const
export type ScaffoldAuth = (typeof AUTH_KINDS)[number]
export type ScaffoldKind = (typeof PLUGIN_KINDS)[number]

export type ScaffoldNames = {
  /** acme-tracker: the folder and manifest id */
  id: string
  /** Acme Tracker: shown to people */
  name: string
  /** AcmeTracker: prefix of the generated types and classes */
  className: string
  /** ACME_TRACKER: prefix of the plugin's environment variables */
  envPrefix: string
}

export type ScaffoldVariant = { auth: ScaffoldAuth | null; kind: ScaffoldKind }

/** The condition names a variant sets. */
export function variantFlags(variant: ScaffoldVariant): Set<string> {
  const flags = new Set<string>([variant.kind])
  if (variant.kind !== 'none') {
    flags.add('connected')
    flags.add(variant.auth ?? 'token')
  }
  // the kinds whose provider pushes changes in between syncs
  if (['code', 'issues', 'security'].includes(variant.kind)) flags.add('webhooks')
  return flags
}

const DIRECTIVE = /^\s*%%(if|else|endif|file)(?:\s+([!\w|]+))?%%\s*$/

function holds(condition: string | undefined, flags: Set<string>, where: string) {
  if (!condition) throw new Error(`${where}: a condition is missing`)
  return condition
    .split('|')
    .some((term) => (term.startsWith('!') ? !flags.has(term.slice(1)) : flags.has(term)))
}

/**
 * The stub's text for a variant, or null when its `%%file%%` condition
 * leaves it out. An unknown placeholder or an unbalanced block is a bug
 * in the stubs, so it fails loudly instead of leaking into a plugin.
 */
export function renderStub(
  template: string,
  names: ScaffoldNames,
  variant: ScaffoldVariant,
  stubPath: string
): string | null {
  const flags = variantFlags(variant)
  const lines = template.split('\n')
  const first = DIRECTIVE.exec(lines[0])
  if (first?.[1] === 'file') {
    if (!holds(first[2], flags, stubPath)) return null
    lines.shift()
  }
  // each open block: whether its lines are kept, and whether the enclosing ones are
  const stack: Array<{ keep: boolean; parent: boolean }> = []
  const kept: string[] = []
  for (const [index, line] of lines.entries()) {
    const directive = DIRECTIVE.exec(line)
    const where = `${stubPath}:${index + 1}`
    const visible = stack.length === 0 || stack.at(-1)!.keep
    if (!directive) {
      if (visible) kept.push(line)
      continue
    }
    const [, keyword, condition] = directive
    if (keyword === 'if') {
      stack.push({ keep: visible && holds(condition, flags, where), parent: visible })
    } else if (keyword === 'else') {
      const block = stack.at(-1)
      if (!block) throw new Error(`${where}: %%else%% outside a block`)
      block.keep = block.parent && !block.keep
    } else if (keyword === 'endif') {
      if (!stack.pop()) throw new Error(`${where}: %%endif%% outside a block`)
    } else {
      throw new Error(`${where}: %%file%% belongs on the first line`)
    }
  }
  if (stack.length > 0) throw new Error(`${stubPath}: a %%if%% block is not closed`)
  return kept.join('\n').replace(/%%(\w+)%%/g, (_match, key: string) => {
    if (!(key in names)) throw new Error(`${stubPath} uses an unknown placeholder %%${key}%%`)
    return names[key as keyof ScaffoldNames]
  })
}
