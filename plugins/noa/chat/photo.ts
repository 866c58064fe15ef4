import { readFile } from 'node:fs/promises'
import { fileTypeFromBuffer } from 'file-type'
import { maxImageBytes, type UploadedPart } from '../endpoint/glasses_request.js'
import { inlineImage, type InlineImage } from './conversation.js'

/** what the web chat accepts, by content (the browser's declared type is not trusted) */
export const CHAT_PHOTO_TYPES = new Set(['image/jpeg', 'image/png'])

export class PhotoRefused extends Error {
  constructor(
    readonly status: 413 | 422,
    message: string
  ) {
    super(message)
    this.name = 'PhotoRefused'
  }
}

/**
 * The photo attached to a web chat question: a JPEG or PNG (sniffed from
 * its bytes) no larger than NOA_MAX_IMAGE_BYTES, or null when the form
 * carried none (an empty file input sends a part without a name).
 */
export async function readChatPhoto(part: UploadedPart | null): Promise<InlineImage | null> {
  if (!part || (part.size === 0 && !part.tmpPath)) return null
  const limit = maxImageBytes()
  if (part.size > limit) {
    throw new PhotoRefused(
      413,
      `The photo is larger than ${Math.floor(limit / (1024 * 1024))} MB: attach a smaller one.`
    )
  }
  if (!part.tmpPath) throw new PhotoRefused(422, 'The photo could not be read.')
  const bytes = await readFile(part.tmpPath)
  const type = await fileTypeFromBuffer(bytes)
  if (!type || !CHAT_PHOTO_TYPES.has(type.mime)) {
    throw new PhotoRefused(422, 'The photo must be a JPEG or PNG picture.')
  }
  return inlineImage(type.mime, bytes)
}
