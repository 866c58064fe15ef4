import { randomUUID } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, unlink, chmod } from 'node:fs/promises'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import app from '@adonisjs/core/services/app'
import { Exception } from '@adonisjs/core/exceptions'
import string from '@adonisjs/core/helpers/string'
import type { HttpContext } from '@adonisjs/core/http'
import { bodyLimits } from '#config/bodyparser'

/**
 * What a route accepts as a request body, read off its named middleware
 * before any byte of the body is read (see request_body_middleware):
 *
 * - `acceptsUpload({ maxBytes })`: multipart uploads, read only once the
 *   route's authentication, CSRF and permission checks have passed;
 * - `bodyLimit({ maxBytes })`: a larger JSON or form body (webhooks);
 * - otherwise a small JSON or form body: `bodyLimits.signedIn` behind a
 *   session or token check, `bodyLimits.public` on every other route.
 */
export type BodyAllowance = { maxBytes: number; multipart: boolean }

type NamedMiddleware = { name?: string; args?: { maxBytes?: number | (() => number) } }

const bytes = (value: number | (() => number) | undefined) =>
  typeof value === 'function' ? value() : value

const SIGNED_IN = new Set(['auth', 'apiAuth', 'superuser'])

export function bodyAllowanceFor(route: HttpContext['route']): BodyAllowance {
  const named = [...(route?.middleware.all() ?? [])] as NamedMiddleware[]
  const upload = named.find((one) => one.name === 'acceptsUpload')
  if (upload)
    return { maxBytes: bytes(upload.args?.maxBytes) ?? bodyLimits.upload(), multipart: true }
  const declared = bytes(named.find((one) => one.name === 'bodyLimit')?.args?.maxBytes)
  if (declared) return { maxBytes: declared, multipart: false }
  const signedIn = named.some((one) => one.name !== undefined && SIGNED_IN.has(one.name))
  return { maxBytes: signedIn ? bodyLimits.signedIn : bodyLimits.public, multipart: false }
}

/** a route's declared upload limit, for messages */
export function uploadLimitOf(ctx: HttpContext) {
  return bodyAllowanceFor(ctx.route).maxBytes
}

export class RequestBodyTooLargeException extends Exception {
  static status = 413
  static code = 'E_REQUEST_ENTITY_TOO_LARGE'
  constructor(maxBytes: number, upload: boolean) {
    const limit = string.bytes.format(maxBytes)
    super(
      upload
        ? `The upload is too large: send at most ${limit} at once. Nothing was uploaded.`
        : `The request body is larger than this address accepts (at most ${limit}). Nothing was stored.`
    )
  }
}

export class UnsupportedMediaTypeException extends Exception {
  static status = 415
  static code = 'E_UNSUPPORTED_MEDIA_TYPE'
  constructor() {
    super('This address does not accept file uploads (multipart/form-data).')
  }
}

/** an unread body up to this size is drained, so the client reads the refusal */
const DRAINED_BODY_BYTES = 64 * 1024

/**
 * Before refusing a request whose body was left unread: a small body is
 * received and discarded as usual (clients that send the whole body
 * before reading the answer then get the refusal), a large or unsized
 * one is not worth receiving, so the connection closes after the answer.
 */
export function closeIfLargeBodyUnread(ctx: HttpContext) {
  const raw = ctx.request.request
  if (raw.complete) return
  const declared = Number(raw.headers['content-length'])
  if (Number.isFinite(declared) && declared <= DRAINED_BODY_BYTES) return
  ctx.response.header('connection', 'close')
}

/**
 * Uploads are written here while a request runs, never to the shared OS
 * temporary folder: a folder only the server's user can enter (0700),
 * files only it can read (0600), all removed when the request ends.
 */
export function uploadsTemporaryFolder() {
  return app.tmpPath('uploads')
}

/** every temporary file a request's upload created, removed when it ends */
const temporaryFiles = new WeakMap<HttpContext, Set<string>>()

let folderReady: Promise<unknown> | null = null
function ensureTemporaryFolder() {
  // chmod too: mkdir's mode only applies to a folder it creates, and one
  // left by an earlier release or another tool may be world-readable
  folderReady ??= mkdir(uploadsTemporaryFolder(), { recursive: true, mode: 0o700 }).then(() =>
    chmod(uploadsTemporaryFolder(), 0o700)
  )
  return folderReady
}

/**
 * Reads the request's multipart body (left unread by the body parser)
 * into the private temporary folder, so `request.input()`,
 * `request.file()` and `request.files()` work as usual. A failed or
 * aborted upload leaves no file behind.
 */
export async function readMultipartBody(ctx: HttpContext, maxBytes: number) {
  const multipart = ctx.request.multipart
  if (ctx.request.bodyType !== 'multipart' || !multipart || multipart.state !== 'idle') return
  await ensureTemporaryFolder()
  const created = new Set<string>()
  temporaryFiles.set(ctx, created)
  multipart.onFile('*', { deferValidations: true }, async (part, reportChunk) => {
    const tmpPath = join(uploadsTemporaryFolder(), randomUUID())
    created.add(tmpPath)
    try {
      part.pause()
      part.on('data', reportChunk)
      await pipeline(part, createWriteStream(tmpPath, { mode: 0o600, flags: 'wx' }))
      return { tmpPath }
    } catch (error) {
      await unlink(tmpPath).catch(() => {})
      multipart.abort(error)
    }
  })
  try {
    await multipart.process({ limit: maxBytes })
  } catch (error) {
    if ((error as { code?: string }).code === 'E_REQUEST_ENTITY_TOO_LARGE') {
      throw new RequestBodyTooLargeException(maxBytes, true)
    }
    throw error
  }
}

/** Deletes the temporary files of the request's uploads (read, half-read or failed). */
export async function removeTemporaryUploads(ctx: HttpContext) {
  const paths = new Set(temporaryFiles.get(ctx))
  for (const file of Object.values(ctx.request.__raw_files ?? {}).flat()) {
    if (file.tmpPath) paths.add(file.tmpPath)
  }
  temporaryFiles.delete(ctx)
  await Promise.all([...paths].map((path) => unlink(path).catch(() => {})))
}
