import type { HttpContext } from '@adonisjs/core/http'
import type { DocumentFile } from '#services/documents/types'

/**
 * Sends what OpenDocumentFile found: a redirect to the bucket's
 * pre-signed URL, or the bytes. Streamed files may be framed by our own
 * pages only when shown inline (the PDF preview), and never run script:
 * a document is data, whatever its content claims.
 */
export function sendDocumentFile(response: HttpContext['response'], file: DocumentFile) {
  response.header('Cache-Control', 'private, no-store')
  response.header('Referrer-Policy', 'no-referrer')
  if (file.kind === 'redirect') return response.redirect(file.url)
  response.header('Content-Type', file.contentType)
  response.header('Content-Length', String(file.contentLength))
  response.header('Content-Disposition', file.contentDisposition)
  response.header('X-Content-Type-Options', 'nosniff')
  if (file.inline) {
    response.header('X-Frame-Options', 'SAMEORIGIN')
    response.header(
      'Content-Security-Policy',
      `default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'`
    )
  } else {
    response.header('Content-Security-Policy', `default-src 'none'; frame-ancestors 'none'`)
  }
  return response.stream(file.stream)
}
