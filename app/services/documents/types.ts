import type { Readable } from 'node:stream'

/**
 * What OpenDocumentFile finds and sendDocumentFile sends: a redirect to a
 * signed bucket URL, or the bytes streamed through Sextant.
 */
export type DocumentFile =
  | { kind: 'redirect'; url: string }
  | {
      kind: 'stream'
      stream: Readable
      contentType: string
      contentLength: number
      contentDisposition: string
      inline: boolean
    }
