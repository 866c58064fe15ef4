import { open } from 'node:fs/promises'
import { extname } from 'node:path'
import { fileTypeFromFile } from 'file-type'

export type DetectedType = { contentType: string; extension: string; label: string }

/**
 * Types recognised from their magic bytes (file-type). Anything else it
 * recognises (executables, archives, media) is refused.
 */
const BINARY_TYPES: Record<string, DetectedType> = {
  'application/pdf': { contentType: 'application/pdf', extension: 'pdf', label: 'PDF' },
  'image/png': { contentType: 'image/png', extension: 'png', label: 'PNG image' },
  'image/jpeg': { contentType: 'image/jpeg', extension: 'jpg', label: 'JPEG image' },
  'image/gif': { contentType: 'image/gif', extension: 'gif', label: 'GIF image' },
  'image/webp': { contentType: 'image/webp', extension: 'webp', label: 'WebP image' },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': {
    contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    extension: 'docx',
    label: 'Word document',
  },
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    extension: 'xlsx',
    label: 'Excel workbook',
  },
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': {
    contentType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    extension: 'pptx',
    label: 'PowerPoint presentation',
  },
  'application/vnd.oasis.opendocument.text': {
    contentType: 'application/vnd.oasis.opendocument.text',
    extension: 'odt',
    label: 'OpenDocument text',
  },
  'application/vnd.oasis.opendocument.spreadsheet': {
    contentType: 'application/vnd.oasis.opendocument.spreadsheet',
    extension: 'ods',
    label: 'OpenDocument spreadsheet',
  },
  'application/vnd.oasis.opendocument.presentation': {
    contentType: 'application/vnd.oasis.opendocument.presentation',
    extension: 'odp',
    label: 'OpenDocument presentation',
  },
}

/**
 * Legacy Office files share one container format (OLE/CFB); which
 * application wrote one is only told by its extension.
 */
const LEGACY_OFFICE: Record<string, DetectedType> = {
  doc: { contentType: 'application/msword', extension: 'doc', label: 'Word 97 document' },
  xls: { contentType: 'application/vnd.ms-excel', extension: 'xls', label: 'Excel 97 workbook' },
  ppt: {
    contentType: 'application/vnd.ms-powerpoint',
    extension: 'ppt',
    label: 'PowerPoint 97 presentation',
  },
}

const TEXT_TYPES: Record<string, DetectedType> = {
  md: { contentType: 'text/markdown; charset=utf-8', extension: 'md', label: 'Markdown' },
  markdown: { contentType: 'text/markdown; charset=utf-8', extension: 'md', label: 'Markdown' },
  csv: { contentType: 'text/csv; charset=utf-8', extension: 'csv', label: 'CSV' },
  txt: { contentType: 'text/plain; charset=utf-8', extension: 'txt', label: 'Text' },
}

const TEXT_SAMPLE_BYTES = 64 * 1024

/**
 * Control characters other than tab, line feed, form feed and carriage
 * return do not occur in text people write.
 */
function isStrayControlCharacter(char: string) {
  const code = char.charCodeAt(0)
  return (code < 0x20 && ![0x09, 0x0a, 0x0c, 0x0d].includes(code)) || code === 0x7f
}

/**
 * UTF-8 without NUL bytes or stray control characters, and not a script
 * (a "#!" line would make it executable once saved with the right mode).
 */
async function looksLikeText(path: string) {
  const handle = await open(path, 'r')
  try {
    const sample = Buffer.alloc(TEXT_SAMPLE_BYTES)
    const { bytesRead } = await handle.read(sample, 0, TEXT_SAMPLE_BYTES, 0)
    const bytes = sample.subarray(0, bytesRead)
    if (bytes.length === 0) return false
    if (bytes[0] === 0x23 && bytes[1] === 0x21) return false
    // A multi-byte character may be cut at the end of the sample.
    const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes)
    const body = bytesRead === TEXT_SAMPLE_BYTES ? text.slice(0, -4) : text
    if (body.includes('\uFFFD')) return false
    return ![...body].some(isStrayControlCharacter)
  } finally {
    await handle.close()
  }
}

/**
 * What a file really is, from its content; null when it is not a type
 * documents may be (an executable renamed report.pdf, an archive, a
 * binary of any other kind). The extension only picks between formats
 * the content cannot tell apart (legacy Office, Markdown versus text).
 */
export async function detectDocumentType(
  path: string,
  originalName: string
): Promise<DetectedType | null> {
  const extension = extname(originalName).slice(1).toLowerCase()
  const sniffed = await fileTypeFromFile(path)
  if (sniffed) {
    if (sniffed.mime === 'application/x-cfb') return LEGACY_OFFICE[extension] ?? null
    return BINARY_TYPES[sniffed.mime] ?? null
  }
  if (!(await looksLikeText(path))) return null
  return TEXT_TYPES[extension] ?? TEXT_TYPES.txt
}

export const ACCEPTED_TYPES_LABEL =
  'PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPEG, GIF, WebP, text, CSV or Markdown'

const EVERY_TYPE = [
  ...Object.values(BINARY_TYPES),
  ...Object.values(LEGACY_OFFICE),
  ...Object.values(TEXT_TYPES),
]

/**
 * The extension a stored content type is downloaded with.
 */
export function extensionFor(contentType: string) {
  return EVERY_TYPE.find((type) => type.contentType === contentType)?.extension ?? 'bin'
}
