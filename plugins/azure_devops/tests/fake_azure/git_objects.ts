import { execFileSync } from 'node:child_process'
import type { ServerResponse } from 'node:http'

/**
 * The Azure Repos Git REST API's object endpoints (Refs - List, Commits -
 * Get, Trees - Get, Blobs - Get) over a real git repository a test built
 * with the git binary and attached with `setGitDirectory`: what the fake
 * answers is what git holds. A repository without one has no refs.
 */
export type GitDirectories = Map<string, string>

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

const json = (response: ServerResponse, status: number, body: unknown) => {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
  response.end(JSON.stringify(body))
}

const notFound = (response: ServerResponse, message: string) =>
  json(response, 404, {
    $id: '1',
    message,
    typeName: 'Microsoft.TeamFoundation.Git.Server.GitObjectNotFoundException',
  })

/** answers the request when it is one of these endpoints; false lets the server's other routes try */
export function gitObjectRoute(
  directories: GitDirectories,
  method: string,
  path: string,
  url: URL,
  response: ServerResponse
): boolean {
  if (method !== 'GET') return false
  const match =
    /^\/[^/]+\/_apis\/git\/repositories\/([^/]+)\/(refs|commits|trees|blobs)(?:\/([0-9a-f]{40}))?\/?$/i.exec(
      path
    )
  if (!match) return false
  const [, repositoryId, resource, sha] = match
  const directory = directories.get(repositoryId)
  const api = `${url.origin}${path.replace(/\/(refs|commits|trees|blobs)(\/.*)?$/i, '')}`

  // GET …/refs?filter=notes/ai: the refs whose name starts with refs/{filter}
  if (resource === 'refs' && !sha) {
    const prefix = `refs/${url.searchParams.get('filter') ?? ''}`
    const listing = directory
      ? git(directory, 'for-each-ref', '--format=%(refname) %(objectname)')
          .toString()
          .split('\n')
          .filter(Boolean)
      : []
    const value = listing
      .map((line) => line.split(' '))
      .filter(([name]) => name.startsWith(prefix))
      .map(([name, objectId]) => ({
        name,
        objectId,
        url: `${api}/refs?filter=${encodeURIComponent(name.slice('refs/'.length))}`,
      }))
    json(response, 200, { value, count: value.length })
    return true
  }
  // commits in the test's git repository; the others are the server's
  if (!sha || !directory || !objectType(directory, sha)) return false
  const type = objectType(directory, sha)

  if (resource === 'commits' && type === 'commit') {
    const raw = git(directory, 'cat-file', 'commit', sha).toString()
    const [head, ...message] = raw.split('\n\n')
    const header = (key: string) =>
      head
        .split('\n')
        .filter((line) => line.startsWith(`${key} `))
        .map((line) => line.slice(key.length + 1))
    const person = (line: string) => {
      const found = /^(.*) <(.*)> (\d+) [+-]\d{4}$/.exec(line)!
      return {
        name: found[1],
        email: found[2],
        date: new Date(Number(found[3]) * 1000).toISOString(),
      }
    }
    json(response, 200, {
      treeId: header('tree')[0],
      commitId: sha,
      author: person(header('author')[0]),
      committer: person(header('committer')[0]),
      comment: message.join('\n\n'),
      parents: header('parent'),
      url: `${api}/commits/${sha}`,
    })
    return true
  }
  if (resource === 'trees' && type === 'tree') {
    const recursive = url.searchParams.get('recursive') === 'true'
    const listing = git(directory, 'ls-tree', '-l', ...(recursive ? ['-r', '-t'] : []), sha)
      .toString()
      .split('\n')
      .filter(Boolean)
    json(response, 200, {
      objectId: sha,
      url: `${api}/trees/${sha}`,
      treeEntries: listing.map((line) => {
        const [meta, relativePath] = line.split('\t')
        const [mode, gitObjectType, objectId, size] = meta.split(/\s+/)
        return {
          objectId,
          relativePath,
          mode: mode.replace(/^0+/, ''),
          gitObjectType,
          url: `${api}/${gitObjectType === 'blob' ? 'blobs' : 'trees'}/${objectId}`,
          size: size === '-' ? 0 : Number(size),
        }
      }),
    })
    return true
  }
  if (resource === 'blobs' && type === 'blob') {
    const content = git(directory, 'cat-file', 'blob', sha)
    const format = url.searchParams.get('$format')
    if (format === 'text' || format === 'octetstream') {
      response.writeHead(200, {
        'content-type':
          format === 'text' ? 'text/plain; charset=utf-8' : 'application/octet-stream',
        'content-length': String(content.length),
      })
      response.end(content)
      return true
    }
    // without a format, the blob's metadata
    json(response, 200, { objectId: sha, size: content.length, url: `${api}/blobs/${sha}` })
    return true
  }
  notFound(response, `TF401174: The item ${sha} could not be found in the repository.`)
  return true
}
