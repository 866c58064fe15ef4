/**
 * One repository, one person, whatever the provider (docs/plugins.md,
 * "Repositories and people across providers").
 *
 * A repository's canonical key is its normalised clone URL without the
 * scheme: "host/owner/name", lower-cased, no ".git", no credentials. Every
 * provider's spelling of one repository gives the same key, so a Snyk
 * project or a Jira issue naming a repository by URL finds the row the
 * hosting provider (GitHub, Azure DevOps, Bitbucket) wrote.
 */

/**
 * How a plugin names a repository in a row it writes:
 * - a string: the writing provider's own external id (as `repositoryExternalId`);
 * - `{ provider, externalId }`: a repository another provider wrote;
 * - `{ url }`: a web or clone URL (https, ssh, scp-like `git@host:owner/name`);
 * - `{ fullName }`: "owner/name", or "host/owner/name" to say which host.
 */
export type RepositoryRef =
  string | { provider: string; externalId: string } | { url: string } | { fullName: string }

/** An account on another provider this identity is known to be (an explicit link). */
export type IdentityLink = { provider: string; externalId: string }

const AZURE_HOSTS = new Set(['dev.azure.com', 'ssh.dev.azure.com'])

/** "git@github.com:Acme/API.git" → { host: "github.com", path: "Acme/API.git" } */
function splitUrl(text: string): { host: string; path: string } | null {
  const scpLike = /^[\w.-]+@([\w.-]+):(?!\/\/)(.+)$/.exec(text)
  if (scpLike) return { host: scpLike[1], path: scpLike[2] }
  let parsed: URL
  try {
    parsed = new URL(text.includes('://') ? text : `https://${text}`)
  } catch {
    return null
  }
  if (!parsed.hostname) return null
  return { host: parsed.hostname, path: decodeURIComponent(parsed.pathname) }
}

/**
 * The canonical key of a repository URL, or null when the text names no
 * repository (no host, or fewer than two path segments). Azure DevOps'
 * spellings (`dev.azure.com/org/project/_git/repo`,
 * `org.visualstudio.com/project/_git/repo`, `ssh.dev.azure.com:v3/org/project/repo`)
 * become `dev.azure.com/org/project/repo`.
 */
export function canonicalRepositoryKey(url: string | null | undefined): string | null {
  const text = url?.trim()
  if (!text) return null
  const split = splitUrl(text)
  if (!split) return null
  let host = split.host.toLowerCase().replace(/^www\./, '')
  let segments = split.path
    .split('/')
    .filter((segment) => segment.length > 0)
    .map((segment) => segment.toLowerCase())
  const visualStudio = /^([\w-]+)\.visualstudio\.com$/.exec(host)
  if (visualStudio) {
    host = 'dev.azure.com'
    segments = [visualStudio[1], ...segments]
  }
  if (AZURE_HOSTS.has(host)) {
    host = 'dev.azure.com'
    segments = segments.filter(
      (segment, index) => segment !== '_git' && !(index === 0 && segment === 'v3')
    )
    segments = segments.slice(0, 3)
  } else {
    // a browser URL of a page inside the repository: "/owner/name/tree/main"
    const inside = segments.findIndex((segment) => segment.startsWith('-') || segment === 'src')
    segments = segments
      .slice(0, inside > 1 ? inside : undefined)
      .slice(0, host === 'gitlab.com' ? undefined : 2)
  }
  if (segments.length < 2) return null
  const last = segments.length - 1
  segments[last] = segments[last].replace(/\.git$/, '')
  if (!segments[last]) return null
  return [host, ...segments].join('/')
}

/** "Acme/API" → "acme/api"; null for text that is not "owner/name" (or "host/owner/name"). */
export function normalisedFullName(fullName: string | null | undefined): string | null {
  const segments = (fullName ?? '')
    .trim()
    .split('/')
    .filter((segment) => segment.length > 0)
  if (segments.length < 2) return null
  return segments
    .join('/')
    .toLowerCase()
    .replace(/\.git$/, '')
}

/** An email as identities are matched on it: trimmed, lower-cased; null when it is no address. */
export function normalisedEmail(email: string | null | undefined): string | null {
  const text = email?.trim().toLowerCase()
  if (!text || !/^[^\s@]+@[^\s@]+$/.test(text)) return null
  // GitHub's private relay addresses name an account, not a mailbox two providers share
  if (text.endsWith('@users.noreply.github.com')) return null
  return text
}
