import router from '@adonisjs/core/services/router'
import documentsConfig from '#config/documents'
import type Organization from '#models/organization'
import type Document from '#models/document'

export type LinkDisposition = 'attachment' | 'inline'

/**
 * Links are signed for one organisation: the download actions verify the
 * signature with the requester's organisation, so a link opened by a
 * member of another organisation fails like a tampered one.
 */
export function linkPurpose(organization: Organization) {
  return `documents:${organization.publicId}`
}

/**
 * A short-lived signed link to a document's file (its current version
 * unless one is given). Pages get a path; the API gets an absolute URL
 * (origin) to its own route, which takes the API token.
 */
export function documentFileLink(input: {
  organization: Organization
  document: Document
  disposition: LinkDisposition
  version?: number
  api?: { origin: string }
}) {
  const qs: Record<string, string | number> = { disposition: input.disposition }
  if (input.version) qs.version = input.version
  if (input.api) qs.organization = input.organization.publicId
  return router.urlBuilder.signedUrlFor(
    input.api ? 'api.documents.file' : 'documents.file',
    { document: input.document.publicId },
    {
      expiresIn: documentsConfig.linkTtl,
      purpose: linkPurpose(input.organization),
      qs,
      prefixUrl: input.api?.origin,
    }
  )
}
