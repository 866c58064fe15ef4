import documentsConfig, { type DocumentDiskName } from '#config/documents'
import { DOCUMENTS_PREFIX, documentDisk, listStoredObjects } from '#services/documents/storage'
import type { WebClient } from '#tests/helpers/web_client'

export const DISKS: DocumentDiskName[] = ['fs', 's3']

export { localS3 } from '#tests/helpers/local_s3'

/**
 * Points new uploads at a disk for the rest of a group, and empties both
 * disks' documents/ folders so each test sees only its own objects.
 */
export function useDisk(name: DocumentDiskName) {
  documentsConfig.disk = name
}

export async function emptyDisk(name: DocumentDiskName) {
  await documentDisk(name).deleteAll(DOCUMENTS_PREFIX)
}

export async function storedKeys(name: DocumentDiskName) {
  const keys: string[] = []
  for await (const object of listStoredObjects(documentDisk(name))) keys.push(object.key)
  return keys
}

export type UploadFile = { name: string; content: Buffer | string; type?: string }

/**
 * Posts a multipart form as a browser would (session cookie, CSRF
 * token of the last page), over real HTTP.
 */
export async function postMultipart(
  web: WebClient,
  path: string,
  fields: Record<string, string>,
  files: { field: string; file: UploadFile }[],
  headers: Record<string, string> = {}
) {
  if (!web.csrfToken) await web.get('/documents')
  const form = new FormData()
  form.append('_csrf', web.csrfToken ?? '')
  for (const [name, value] of Object.entries(fields)) form.append(name, value)
  for (const { field, file } of files) {
    form.append(
      field,
      new Blob([file.content], { type: file.type ?? 'application/octet-stream' }),
      file.name
    )
  }
  const response = await fetch(new URL(path, web.baseUrl), {
    method: 'POST',
    body: form,
    redirect: 'manual',
    headers: { accept: 'text/html', cookie: web.cookieHeader(), ...headers },
  })
  return { status: response.status, headers: response.headers, text: await response.text() }
}

export function uploadDocuments(
  web: WebClient,
  files: UploadFile[],
  fields: Record<string, string> = { category: 'policy' }
) {
  return postMultipart(
    web,
    '/documents',
    fields,
    files.map((file) => ({ field: 'files', file }))
  )
}

/**
 * Small but real files of each kind the tests need.
 */
export const SAMPLES = {
  pdf: (text = 'Access control policy') =>
    Buffer.from(
      `%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n% ${text}\ntrailer << /Root 1 0 R >>\n%%EOF\n`
    ),
  png: () =>
    Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
      'base64'
    ),
  markdown: () => Buffer.from('# Architecture notes\n\nServices talk over mTLS.\n'),
  // The start of an ELF executable (Linux) and of a PE one (Windows).
  elf: () => Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(120)]),
  pe: () =>
    Buffer.concat([
      Buffer.from('MZ'),
      Buffer.alloc(58),
      Buffer.from([0x80, 0, 0, 0]),
      Buffer.alloc(64),
      Buffer.from('PE\0\0'),
      Buffer.alloc(64),
    ]),
}

/**
 * The signed links of a rendered page, in order.
 */
export function fileLinks(html: string) {
  return [...html.matchAll(/(?:href|src)="(\/documents\/[^"/]+\/file\?[^"]+)"/g)].map((match) =>
    match[1].replaceAll('&amp;', '&')
  )
}
