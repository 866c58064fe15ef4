import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import BodyParserMiddleware from '@adonisjs/core/bodyparser_middleware'
import bodyParserConfig from '#config/bodyparser'
import {
  bodyAllowanceFor,
  closeIfLargeBodyUnread,
  RequestBodyTooLargeException,
  UnsupportedMediaTypeException,
} from '#services/request_bodies'

/** one body parser per limit in use (a handful: public, signed-in, webhooks, uploads) */
const parsers = new Map<number, BodyParserMiddleware>()

function parserFor(maxBytes: number) {
  let parser = parsers.get(maxBytes)
  if (!parser) {
    parser = new BodyParserMiddleware({
      ...bodyParserConfig,
      form: { ...bodyParserConfig.form, limit: maxBytes },
      json: { ...bodyParserConfig.json, limit: maxBytes },
      raw: { ...bodyParserConfig.raw, limit: maxBytes },
      multipart: { ...bodyParserConfig.multipart, limit: maxBytes, autoProcess: false },
    })
    parsers.set(maxBytes, parser)
  }
  return parser
}

/**
 * The body parser, with each route's own limit (see
 * app/services/request_bodies.ts). Before a byte is read: a declared
 * Content-Length over the route's limit is refused with 413, and a
 * multipart body sent to a route that takes no upload with 415. A
 * streamed body is counted as it arrives and refused at the limit.
 * Multipart bodies of upload routes stay unread here; the route's
 * `acceptsUpload` middleware reads them after its checks.
 */
export default class RequestBodyMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const { request } = ctx
    if (!bodyParserConfig.allowedMethods.includes(request.method()) || !request.hasBody()) {
      return parserFor(bodyParserConfig.json.limit as number).handle(ctx, next)
    }
    const allowance = bodyAllowanceFor(ctx.route)
    if (request.is(['multipart/form-data']) && !allowance.multipart) {
      closeIfLargeBodyUnread(ctx)
      throw new UnsupportedMediaTypeException()
    }
    const declared = Number(request.header('content-length'))
    if (Number.isFinite(declared) && declared > allowance.maxBytes) {
      closeIfLargeBodyUnread(ctx)
      throw new RequestBodyTooLargeException(allowance.maxBytes, allowance.multipart)
    }
    try {
      return await parserFor(allowance.maxBytes).handle(ctx, next)
    } catch (error) {
      const parserRefusal =
        (error as { code?: string }).code === 'E_REQUEST_ENTITY_TOO_LARGE' &&
        !(error instanceof RequestBodyTooLargeException)
      if (!parserRefusal) throw error
      if (!request.request.complete) ctx.response.header('connection', 'close')
      throw new RequestBodyTooLargeException(allowance.maxBytes, allowance.multipart)
    }
  }
}
