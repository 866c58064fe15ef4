/**
 * Names for Content-Disposition built from what the uploader called the
 * file, which is never trusted: path parts, control characters, quotes
 * and anything a shell or a browser could read specially are removed,
 * and the extension is the one the content was found to have.
 */
export function safeFileName(originalName: string, extension: string) {
  const base = originalName.split(/[/\\]/).pop() ?? ''
  const stem = base
    .replace(/\.[^.]*$/, '')
    .normalize('NFC')
    .replace(/[\p{Cc}"'`<>:|?*%;,]/gu, '')
    .replace(/\s+/g, ' ')
    .replace(/^[.\s-]+|[.\s]+$/g, '')
    .slice(0, 120)
  return `${stem || 'document'}.${extension}`
}

/**
 * An RFC 6266 header value: an ASCII fallback and the UTF-8 name.
 */
export function contentDisposition(kind: 'attachment' | 'inline', fileName: string) {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/\\/g, '_')
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`
}
