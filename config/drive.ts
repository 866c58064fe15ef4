import env from '#start/env'
import { defineConfig, services } from '@adonisjs/drive'
import type { InferDriveDisks } from '@adonisjs/drive/types'
import documentsConfig from '#config/documents'

const accessKeyId = env.get('AWS_ACCESS_KEY_ID')
const secretAccessKey = env.get('AWS_SECRET_ACCESS_KEY')?.release()

/**
 * Two disks for evidence documents (see config/documents.ts for which
 * one is used). Both are private: nothing is served from the disk itself;
 * downloads go through signed, expiring app links that check the
 * requester's organisation (app/services/documents/links.ts).
 */
const driveConfig = defineConfig({
  default: documentsConfig.disk,
  services: {
    fs: services.fs({
      location: documentsConfig.location,
      serveFiles: false,
      visibility: 'private',
    }),
    s3: services.s3({
      // Without keys the AWS SDK's default chain applies (instance role,
      // web identity, shared profile).
      credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined,
      region: env.get('AWS_REGION', 'us-east-1'),
      bucket: env.get('AWS_S3_BUCKET', ''),
      endpoint: env.get('AWS_S3_ENDPOINT'),
      forcePathStyle: env.get('AWS_S3_FORCE_PATH_STYLE', Boolean(env.get('AWS_S3_ENDPOINT'))),
      visibility: 'private',
      // Newer AWS SDKs send streamed bodies aws-chunked with a trailing
      // checksum, which several S3-compatible servers store verbatim
      // (the chunk framing ends up inside the object). Checksums only
      // where an operation requires them keeps every server working.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      // Many S3-compatible servers, and AWS buckets with ACLs disabled,
      // refuse ACL requests; objects stay private through the bucket policy.
      supportsACL: false,
    }),
  },
})

export default driveConfig

declare module '@adonisjs/drive/types' {
  export interface DriveDisks extends InferDriveDisks<typeof driveConfig> {}
}
