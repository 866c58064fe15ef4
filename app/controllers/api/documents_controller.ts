import type { HttpContext } from '@adonisjs/core/http'
import ListDocuments from '#actions/documents/list_documents'
import UploadDocuments from '#actions/documents/upload_documents'
import OpenDocumentFile from '#actions/documents/open_document_file'
import { requestMeta } from '#services/auth_session'
import { documentJson } from '#services/documents/json'
import { documentFileLink, linkPurpose } from '#services/documents/links'
import { sendDocumentFile } from '#services/documents/file_response'
import { incomingFiles, uploadRefusal } from '#services/documents/uploads'
import {
  documentFileValidator,
  documentFiltersValidator,
  uploadDocumentsValidator,
  singleUploadedFile,
} from '#validators/documents'

/**
 * /api/v1/documents: metadata with fresh signed links, and uploads of
 * one file. The tokenScope middleware has resolved the organisation and
 * checked the token (a token without the "write" ability, or whose
 * holder's role no longer allows uploads, never gets here to upload).
 */
export default class ApiDocumentsController {
  async index(ctx: HttpContext) {
    const filters = await ctx.request.validateUsing(documentFiltersValidator, {
      data: ctx.request.qs(),
    })
    const organization = ctx.organization!
    const { documents, items } = await new ListDocuments().execute({
      organization,
      filters,
      api: { origin: origin(ctx) },
    })
    const { meta } = documents.toJSON()
    return {
      data: items.map((item) => documentJson(item)),
      meta: {
        total: meta.total,
        perPage: meta.perPage,
        currentPage: meta.currentPage,
        lastPage: meta.lastPage,
      },
    }
  }

  async store(ctx: HttpContext) {
    const organization = ctx.organization!
    const fields = await ctx.request.validateUsing(uploadDocumentsValidator)
    const file = singleUploadedFile(ctx.request)
    try {
      const [document] = await new UploadDocuments().execute({
        organization,
        actor: ctx.auth.use('api').user!,
        files: file ? incomingFiles([file]) : [],
        title: fields.title,
        category: fields.category,
        controlCodes: fields.controls,
        meta: requestMeta(ctx),
      })
      await document.load('versions')
      await document.load('controlLinks')
      const link = (disposition: 'attachment' | 'inline') =>
        documentFileLink({ organization, document, disposition, api: { origin: origin(ctx) } })
      return ctx.response.created({
        data: documentJson({
          document,
          version: document.currentVersion!,
          downloadUrl: link('attachment'),
          previewUrl: document.currentVersion!.isPreviewable ? link('inline') : null,
        }),
      })
    } catch (error) {
      const refusal = uploadRefusal(error)
      return ctx.response.status(refusal.status).send({
        errors: [
          {
            field: refusal.error.field === 'files' ? 'file' : 'controls',
            message: refusal.error.message,
          },
        ],
      })
    }
  }

  async file(ctx: HttpContext) {
    const query = await ctx.request.validateUsing(documentFileValidator, {
      data: ctx.request.qs(),
    })
    const organization = ctx.organization!
    if (!ctx.request.hasValidSignature(linkPurpose(organization))) {
      return ctx.response.forbidden({
        errors: [{ message: 'This link has expired, was changed, or is for another organisation' }],
      })
    }
    const file = await new OpenDocumentFile().execute({
      organization,
      documentPublicId: ctx.params.document,
      version: query.version,
      disposition: query.disposition ?? 'attachment',
    })
    return sendDocumentFile(ctx.response, file)
  }
}

function origin(ctx: HttpContext) {
  return `${ctx.request.protocol()}://${ctx.request.host()}`
}
