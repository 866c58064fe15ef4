import { execFileSync } from 'node:child_process'
import { failure, json, type RepoContext, type Reply } from './http.js'

/**
 * GitHub's git data API (refs, commits, trees, blobs) over a real git
 * repository the test built with the git binary and attached with
 * `setGitDirectory`: what the fake answers is what git holds. A
 * repository without one answers 404, like a ref GitHub does not have.
 */
const DOCS = 'https://docs.github.com/rest/git'

function git(directory: string, ...args: string[]) {
  return execFileSync('git', ['-C', directory, ...args], { maxBuffer: 64 * 1024 * 1024 })
}

function objectType(directory: string, sha: string) {
  try {
    return git(directory, 'cat-file', '-t', sha).toString().trim()
  } catch {
    return null
  }
}

const notFound = (path: string) => failure(404, 'Not Found', `${DOCS}/${path}`)

export function getReference({ base, repository, params }: RepoContext): Reply {
  const ref = decodeURIComponent(params[2])
  const directory = repository.gitDirectory
  if (!directory) return notFound('refs#get-a-reference')
  let sha: string
  try {
    sha = git(directory, 'rev-parse', '--verify', '--quiet', `refs/${ref}`).toString().trim()
  } catch {
    return notFound('refs#get-a-reference')
  }
  const api = `${base}/repos/${repository.fullName}`
  return json({
    ref: `refs/${ref}`,
    node_id: Buffer.from(`ref:${ref}`).toString('base64'),
    url: `${api}/git/refs/${ref}`,
    object: { type: objectType(directory, sha), sha, url: `${api}/git/commits/${sha}` },
  })
}

export function getGitCommit({ base, repository, params }: RepoContext): Reply {
  const sha = params[2]
  const directory = repository.gitDirectory
  if (!directory || objectType(directory, sha) !== 'commit')
    return notFound('commits#get-a-commit-object')
  const raw = git(directory, 'cat-file', 'commit', sha).toString()
  const [head, ...message] = raw.split('\n\n')
  const header = (key: string) =>
    head
      .split('\n')
      .filter((line) => line.startsWith(`${key} `))
      .map((line) => line.slice(key.length + 1))
  const api = `${base}/repos/${repository.fullName}/git`
  const person = (line: string) => {
    const match = /^(.*) <(.*)> (\d+) [+-]\d{4}$/.exec(line)!
    return {
      name: match[1],
      email: match[2],
      date: new Date(Number(match[3]) * 1000).toISOString(),
    }
  }
  return json({
    sha,
    node_id: Buffer.from(`commit:${sha}`).toString('base64'),
    url: `${api}/commits/${sha}`,
    author: person(header('author')[0]),
    committer: person(header('committer')[0]),
    message: message.join('\n\n').replace(/\n$/, ''),
    tree: { sha: header('tree')[0], url: `${api}/trees/${header('tree')[0]}` },
    parents: header('parent').map((parent) => ({ sha: parent, url: `${api}/commits/${parent}` })),
    verification: { verified: false, reason: 'unsigned', signature: null, payload: null },
  })
}

export function getTree({ base, repository, params, url }: RepoContext): Reply {
  const sha = params[2]
  const directory = repository.gitDirectory
  if (!directory || objectType(directory, sha) !== 'tree') return notFound('trees#get-a-tree')
  const recursive = url.searchParams.has('recursive')
  const listing = git(directory, 'ls-tree', '-l', ...(recursive ? ['-r', '-t'] : []), sha)
    .toString()
    .split('\n')
    .filter(Boolean)
  const api = `${base}/repos/${repository.fullName}/git`
  return json({
    sha,
    url: `${api}/trees/${sha}`,
    tree: listing.map((line) => {
      const [meta, path] = line.split('\t')
      const [mode, type, entrySha, size] = meta.split(/\s+/)
      return {
        path,
        mode,
        type,
        sha: entrySha,
        ...(type === 'blob' ? { size: Number(size) } : {}),
        url: `${api}/${type === 'blob' ? 'blobs' : 'trees'}/${entrySha}`,
      }
    }),
    truncated: false,
  })
}

export function getBlob({ base, repository, params }: RepoContext): Reply {
  const sha = params[2]
  const directory = repository.gitDirectory
  if (!directory || objectType(directory, sha) !== 'blob') return notFound('blobs#get-a-blob')
  const content = git(directory, 'cat-file', 'blob', sha)
  return json({
    sha,
    node_id: Buffer.from(`blob:${sha}`).toString('base64'),
    size: content.length,
    url: `${base}/repos/${repository.fullName}/git/blobs/${sha}`,
    content: content.toString('base64').replace(/(.{60})/g, '$1\n'),
    encoding: 'base64',
  })
}
