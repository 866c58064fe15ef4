import { randomBytes } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import { createGzip } from 'node:zlib'
import { pack, type Pack } from 'tar-stream'
import { notFound, type RepoContext, type Reply } from './http.js'
import { pullRequestCommits } from './generate.js'
import { headOf, type FakeGitHubState, type FakeRepository } from './state.js'

/**
 * Repository tarballs as GitHub serves them: the API answers 302 to a
 * short-lived codeload URL, which streams a gzip tar with one top
 * folder, {owner}-{repo}-{sha7}/. Entries set with setTarballEntries
 * are written verbatim (after that folder): "../evil", absolute paths,
 * symlinks and hard links included, which is the point of them.
 */
export type TarEntrySpec = {
  name: string
  type: 'file' | 'directory' | 'symlink' | 'link'
  content?: string
  linkname?: string
  /** with no content: that many bytes of generated content, streamed */
  size?: number
  mode?: number
}

const CODELOAD_TOKEN_LIFETIME_MS = 5 * 60 * 1000
const CHUNK = Buffer.alloc(64 * 1024, 'fake github generated content\n')

export function tarballFolder(repository: FakeRepository, sha: string) {
  return `${repository.owner.login}-${repository.name}-${sha.slice(0, 7)}/`
}

/** a branch, tag or sha of the repository → the commit sha it names */
function resolveRef(repository: FakeRepository, ref: string | undefined) {
  const name = (ref ?? repository.defaultBranch).replace(/^refs\/(heads|tags)\//, '')
  if (name === repository.defaultBranch) return headOf(repository).sha
  if (repository.releases.some((release) => release.tagName === name)) return headOf(repository).sha
  const commit = repository.commits.find((candidate) => candidate.sha === name)
  if (commit) return commit.sha
  const pull = repository.pullRequests.find(
    (p) => (p.headRef === name && p.state === 'open') || p.headSha === name
  )
  return pull ? pullRequestCommits(repository, pull).at(-1)!.sha : null
}

/** GET /repos/{owner}/{repo}/tarball/{ref}: 302 to this server's codeload */
export function redirectToTarball(context: RepoContext): Reply {
  const { repository, state } = context
  const sha = resolveRef(
    repository,
    context.params[2] ? decodeURIComponent(context.params[2]) : undefined
  )
  if (!sha) return notFound()
  const token = randomBytes(20).toString('hex').toUpperCase()
  state.codeloadTokens.set(token, {
    repo: repository.fullName,
    sha,
    expiresAt: Date.now() + CODELOAD_TOKEN_LIFETIME_MS,
  })
  const location = `${context.base}/_codeload/${repository.fullName}/legacy.tar.gz/${sha}?token=${token}`
  return { status: 302, headers: { location } }
}

/** the codeload URL's grant, or null when the token is unknown, expired or for another archive */
export function codeloadGrant(state: FakeGitHubState, url: URL) {
  const match = /^\/_codeload\/([^/]+)\/([^/]+)\/legacy\.tar\.gz\/([0-9a-f]{40})$/.exec(
    url.pathname
  )
  const grant = state.codeloadTokens.get(url.searchParams.get('token') ?? '')
  if (!match || !grant || grant.expiresAt < Date.now()) return null
  if (
    grant.repo.toLowerCase() !== `${match[1]}/${match[2]}`.toLowerCase() ||
    grant.sha !== match[3]
  )
    return null
  return grant
}

/** the repository's files under the top folder, with a directory entry for every folder */
function entriesFromFiles(folder: string, files: Record<string, string>): TarEntrySpec[] {
  const entries: TarEntrySpec[] = []
  const folders = new Set<string>()
  for (const path of Object.keys(files).sort()) {
    const parts = path.split('/')
    for (let depth = 1; depth < parts.length; depth++) {
      const directory = `${parts.slice(0, depth).join('/')}/`
      if (!folders.has(directory)) {
        folders.add(directory)
        entries.push({ name: `${folder}${directory}`, type: 'directory' })
      }
    }
    entries.push({ name: `${folder}${path}`, type: 'file', content: files[path] })
  }
  return entries
}

/** resolves when the entry can take more, or is gone; leaves no listeners behind */
function drainedOrClosed(sink: ReturnType<Pack['entry']>) {
  return new Promise<void>((resolve) => {
    const done = () => {
      sink.off('drain', done)
      sink.off('close', done)
      resolve()
    }
    sink.on('drain', done)
    sink.on('close', done)
  })
}

function addEntry(tar: Pack, entry: TarEntrySpec, mtime: Date, isAborted: () => boolean) {
  return new Promise<void>((resolve, reject) => {
    const done = (error?: Error | null) => (error ? reject(error) : resolve())
    const header = {
      name: entry.name,
      type: entry.type,
      mode:
        entry.mode ??
        (entry.type === 'directory' ? 0o755 : entry.type === 'symlink' ? 0o777 : 0o644),
      mtime,
      uname: 'root',
      gname: 'root',
      ...(entry.linkname === undefined ? {} : { linkname: entry.linkname }),
    }
    if (entry.type !== 'file') return void tar.entry(header, done)
    if (entry.content !== undefined || !entry.size) {
      return void tar.entry(header, entry.content ?? '', done)
    }
    // Generated content, written chunk by chunk with back-pressure: never one big buffer.
    const size = entry.size
    const sink = tar.entry({ ...header, size }, done)
    void (async () => {
      for (let written = 0; !isAborted();) {
        const chunk = CHUNK.subarray(0, Math.min(CHUNK.length, size - written))
        written += chunk.length
        if (written >= size) return void sink.end(chunk)
        if (!sink.write(chunk)) await drainedOrClosed(sink)
      }
      sink.destroy(new Error('the client stopped reading'))
    })().catch(reject)
  })
}

/** streams the archive: gzip(tar(top folder, entries)) */
export async function streamTarball(
  response: ServerResponse,
  repository: FakeRepository,
  sha: string
) {
  const folder = tarballFolder(repository, sha)
  const commit = repository.commits.find((candidate) => candidate.sha === sha)
  const mtime = new Date((commit?.date ?? headOf(repository).date) * 1000)
  const entries = repository.tarballEntries ?? entriesFromFiles(folder, repository.files)

  response.writeHead(200, {
    'content-type': 'application/x-gzip',
    'content-disposition': `attachment; filename=${folder.slice(0, -1)}.tar.gz`,
    'access-control-allow-origin': 'https://render.githubusercontent.com',
    'x-github-request-id': randomBytes(8).toString('hex').toUpperCase(),
  })
  const tar = pack()
  const gzip = createGzip()
  tar.pipe(gzip)
  gzip.pipe(response)
  // A client that stops reading (a size limit, say) closes the socket: stop generating.
  let aborted = false
  response.on('close', () => {
    aborted = true
    tar.destroy()
    gzip.destroy()
  })
  try {
    for (const entry of [{ name: folder, type: 'directory' as const }, ...entries]) {
      if (aborted) return
      await addEntry(tar, entry, mtime, () => aborted)
    }
    tar.finalize()
  } catch {
    response.destroy()
  }
}
