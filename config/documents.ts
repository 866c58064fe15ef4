import env from '#start/env'
import app from '@adonisjs/core/services/app'
import string from '@adonisjs/core/helpers/string'
import { isAbsolute, join } from 'node:path'

export type DocumentDiskName = 'fs' | 's3'

/**
 * The disk new documents are written to. AWS_S3_FORCE_UPLOAD_TO_BUCKET
 * keeps the meaning it had in the system we replace: use the bucket even
 * in development, where DRIVE_DISK=s3 alone still writes to the local
 * folder (so a copied production .env cannot fill a real bucket from a
 * laptop).
 */
function selectedDisk(): DocumentDiskName {
  if (env.get('AWS_S3_FORCE_UPLOAD_TO_BUCKET', false)) return 's3'
  if (env.get('DRIVE_DISK') === 's3' && !app.inDev) return 's3'
  return 'fs'
}

function documentsRoot() {
  const configured = env.get('DOCUMENTS_PATH')
  if (configured) return isAbsolute(configured) ? configured : join(app.makePath(), configured)
  return app.inTest ? app.tmpPath('documents-disk') : app.makePath('storage/documents')
}

const maxBytes = string.bytes.parse(env.get('DOCUMENTS_MAX_BYTES', '25mb')) as number

/**
 * Evidence documents. Tests change "disk", "maxBytes" and the link
 * lifetimes at run time, which is why every reader looks them up here on
 * each use instead of copying them at import.
 */
const documentsConfig = {
  disk: selectedDisk(),
  /** where the fs disk keeps objects (never served as static files) */
  location: documentsRoot(),
  /** largest accepted file */
  maxBytes,
  /**
   * The multipart body limit of every request (config/bodyparser.ts):
   * several files may be sent at once as long as they fit, and one file
   * at the maximum size always fits.
   */
  requestLimitBytes: Math.max(30 * 1024 * 1024, maxBytes + 5 * 1024 * 1024),
  /** soft-deleted documents are purged this many days after deletion */
  retentionDays: env.get('DOCUMENTS_RETENTION_DAYS', 30),
  /** lifetime of the signed app links handed to pages and the API */
  linkTtl: env.get('DOCUMENTS_LINK_TTL', '15m'),
  /**
   * Lifetime of the S3 pre-signed URL a valid app link redirects to: it
   * is used at once, so it is short.
   */
  storageLinkTtl: '60s',
  categories: ['policy', 'report', 'certificate', 'other'] as const,
}

export type DocumentCategory = (typeof documentsConfig.categories)[number]

export default documentsConfig
