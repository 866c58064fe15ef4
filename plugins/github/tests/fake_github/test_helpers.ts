import { sign, type KeyObject } from 'node:crypto'
import { Readable } from 'node:stream'
import { createGunzip } from 'node:zlib'
import { extract } from 'tar-stream'
import type { FakeGitHub } from './server.js'

/**
 * A bare client for checking the fake against GitHub's contract: JWTs
 * signed with node:crypto, requests with fetch, tarballs read with
 * tar-stream. Deliberately no Octokit, so the fake is judged on the wire.
 */
export function signJwt(privateKey: KeyObject, claims: Record<string, unknown>) {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const unsigned = `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode(claims)}`
  const signature = sign('RSA-SHA256', Buffer.from(unsigned), privateKey)
  return `${unsigned}.${signature.toString('base64url')}`
}

/** an App JWT as GitHub documents it: iat 30 s in the past, under ten minutes of life */
export function appJwt(privateKey: KeyObject, appId: number, shiftSeconds = 0) {
  const now = Math.floor(Date.now() / 1000) + shiftSeconds
  return signJwt(privateKey, { iat: now - 30, exp: now + 540, iss: appId })
}

export type Answer = { status: number; headers: Headers; body: any }

/** one request, redirects not followed; the body parsed as JSON when it is JSON */
export async function call(
  fake: FakeGitHub,
  path: string,
  token?: string,
  init: RequestInit & { json?: unknown } = {}
): Promise<Answer> {
  const headers = new Headers(init.headers)
  headers.set('accept', headers.get('accept') ?? 'application/vnd.github+json')
  if (token) headers.set('authorization', `Bearer ${token}`)
  if (init.json !== undefined) headers.set('content-type', 'application/json')
  const body = init.json === undefined ? init.body : JSON.stringify(init.json)
  const url = path.startsWith('http') ? path : `${fake.url}${path}`
  const response = await fetch(url, { ...init, body, headers, redirect: 'manual' })
  const text = await response.text()
  const isJson = response.headers.get('content-type')?.startsWith('application/json')
  return {
    status: response.status,
    headers: response.headers,
    body: isJson ? JSON.parse(text) : text,
  }
}

export async function mintToken(fake: FakeGitHub, installationId: number, jwt: string) {
  const answer = await call(fake, `/app/installations/${installationId}/access_tokens`, jwt, {
    method: 'POST',
  })
  return answer.body.token as string
}

export type ListedEntry = { name: string; type: string; size: number; linkname: string | null }

/** downloads an archive and lists its entries, contents drained and discarded */
export async function listTarball(url: string) {
  const response = await fetch(url)
  const entries: ListedEntry[] = []
  const extractor = extract()
  Readable.fromWeb(response.body as never)
    .pipe(createGunzip())
    .pipe(extractor as never)
  for await (const entry of extractor) {
    const { name, type, size, linkname } = entry.header
    entries.push({ name, type, size, linkname: linkname || null })
    entry.resume()
  }
  return { status: response.status, contentType: response.headers.get('content-type'), entries }
}

/** the status of an answer still on its way: `assert.equal(await statusOf(call(...)), 404)` */
export async function statusOf(answer: Promise<Answer>) {
  const { status } = await answer
  return status
}

export async function bodyOf(answer: Promise<Answer>) {
  const { body } = await answer
  return body
}
