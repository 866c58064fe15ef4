import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { resolveAssetPath } from '#services/assets'
import { preferredEncoding } from '#services/compression'

/**
 * Serves the content-hashed assets before routing, so they carry no
 * session cookie and skip CSRF and body parsing.
 */
export default class AssetsMiddleware {
  handle({ request, response }: HttpContext, next: NextFn) {
    const method = request.method()
    const pathname = request.url()
    if ((method !== 'GET' && method !== 'HEAD') || !pathname.startsWith('/assets/')) {
      return next()
    }
    const resolved = resolveAssetPath(pathname)
    if (!resolved) {
      response.status(404).header('Content-Type', 'text/plain; charset=utf-8').send('Not found')
      return
    }
    const { asset, current } = resolved
    const etag = `"${asset.hash}"`
    response.header('Content-Type', asset.contentType)
    response.header('ETag', etag)
    /**
     * An old hash (a page rendered before a deploy) still gets the file,
     * but must not be cached forever under that URL.
     */
    response.header('Cache-Control', current ? 'public, max-age=31536000, immutable' : 'no-cache')
    response.header('Vary', 'Accept-Encoding')
    if (request.header('if-none-match') === etag) {
      response.status(304).send('')
      return
    }
    // Compressed once when the file was read; picked by what the client accepts.
    const encoding = preferredEncoding(request.header('accept-encoding'))
    const body = encoding === 'br' ? asset.brotli : encoding === 'gzip' ? asset.gzip : asset.body
    if (encoding) response.header('Content-Encoding', encoding)
    response.status(200).send(method === 'HEAD' ? '' : body)
  }
}
