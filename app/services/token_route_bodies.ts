import { randomUUID } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { unlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { HttpContext, Route } from '@adonisjs/core/http'

/**
 * Route patterns whose multipart body the bodyparser leaves unread
 * (`processManually` in config/bodyparser.ts): token routes that accept
 * uploads (plugins' token routes, POST /api/v1/documents), which read it
 * only once the token is checked, so a client without a valid token
 * cannot make the server receive and store an upload. The bodyparser
 * reads this array on every request; readUploadAfterAuthentication adds
 * a route's pattern.
 */
export const multipartReadAfterAuthentication: string[] = []

/**
 * Leaves the route's multipart body unread until its handler (or a
 * middleware after the token check) calls withUploadRead. Call it once
 * the route has its final pattern (after a group's prefix), or name the
 * pattern.
 */
export function readUploadAfterAuthentication(route: Route | string) {
  multipartReadAfterAuthentication.push(typeof route === 'string' ? route : route.toJSON().pattern)
}

/**
 * Runs `handle` with the request's multipart body read (if it was left
 * unread) and removes the upload's temporary files once it is done.
 */
export async function withUploadRead<T>(ctx: HttpContext, handle: () => Promise<T>) {
  try {
    await readMultipartBody(ctx)
    return await handle()
  } finally {
    await removeTemporaryUploads(ctx)
  }
}

/**
 * Reads a multipart body the bodyparser left alone, exactly as it would
 * have (files into temporary files, fields into the body, the same size
 * limit), so `request.input()` and `request.file()` work as usual.
 */
export async function readMultipartBody(ctx: HttpContext) {
  const multipart = ctx.request.multipart
  if (ctx.request.bodyType !== 'multipart' || !multipart || multipart.state !== 'idle') return
  multipart.onFile('*', { deferValidations: true }, async (part, reportChunk) => {
    const tmpPath = join(tmpdir(), randomUUID())
    try {
      part.pause()
      part.on('data', reportChunk)
      await pipeline(part, createWriteStream(tmpPath))
      return { tmpPath }
    } catch (error) {
      await unlink(tmpPath).catch(() => {})
      multipart.abort(error)
    }
  })
  await multipart.process()
}

/** Deletes the temporary files of the request's uploads (read or half-read). */
export async function removeTemporaryUploads(ctx: HttpContext) {
  const files = Object.values(ctx.request.__raw_files ?? {}).flat()
  await Promise.all(
    files.map((file) => (file.tmpPath ? unlink(file.tmpPath).catch(() => {}) : null))
  )
}

/** an unread body up to this size is drained, so the client reads the refusal */
const DRAINED_BODY_BYTES = 1024 * 1024

/**
 * Before refusing a request whose body was left unread: a small body is
 * received and discarded as usual (clients that send the whole body
 * before reading the answer then get the 401/403), a large or unsized
 * one is not worth receiving, so the connection closes after the answer.
 */
export function closeIfLargeBodyUnread(ctx: HttpContext) {
  const raw = ctx.request.request
  if (raw.complete) return
  const declared = Number(raw.headers['content-length'])
  if (Number.isFinite(declared) && declared <= DRAINED_BODY_BYTES) return
  ctx.response.header('connection', 'close')
}
