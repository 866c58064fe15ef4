import type { HttpContext } from '@adonisjs/core/http'
import { redirectAfterWrite } from '#services/after_write'
import { memberCan } from '#abilities/main'
import documentsConfig from '#config/documents'
import UploadDocuments from '#actions/documents/upload_documents'
import ListDocuments from '#actions/documents/list_documents'
import ShowDocument from '#actions/documents/show_document'
import ReplaceDocument from '#actions/documents/replace_document'
import DeleteDocument from '#actions/documents/delete_document'
import OpenDocumentFile from '#actions/documents/open_document_file'
import { requestMeta } from '#services/auth_session'
import { linkPurpose } from '#services/documents/links'
import { sendDocumentFile } from '#services/documents/file_response'
import { incomingFiles, uploadRefusal, type UploadError } from '#services/documents/uploads'
import string from '@adonisjs/core/helpers/string'
import { ACCEPTED_TYPES_LABEL } from '#services/documents/content_type'
import { filtersOrDefault } from '#services/list_filters'
import {
  documentFileValidator,
  documentFiltersValidator,
  uploadDocumentsValidator,
  singleUploadedFile,
} from '#validators/documents'

const viewHelpers = {
  formatBytes: (bytes: number) => string.bytes.format(bytes),
  categoryLabel: (category: string) => string.capitalCase(category),
}

function stringValues(values: Record<string, unknown>) {
  return Object.fromEntries(
    Object.entries(values)
      .filter(([, value]) => value !== undefined && value !== null && value !== '')
      .map(([name, value]) => [name, String(value)])
  )
}

/**
 * Documents: the list (search and filters reload the list alone under
 * htmx), upload, a document's page with its preview and versions,
 * replace, delete, and the signed file links.
 */
export default class DocumentsController {
  async index(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'organization.view')
    return this.#renderIndex(ctx)
  }

  async store(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'documents.upload')
    const fields = await ctx.request.validateUsing(uploadDocumentsValidator)
    try {
      const documents = await new UploadDocuments().execute({
        organization: ctx.organization!,
        actor: ctx.auth.use('web').user!,
        files: incomingFiles(ctx.request.files('files')),
        title: fields.title,
        category: fields.category,
        controlCodes: fields.controls,
        meta: requestMeta(ctx),
      })
      const count = documents.length
      return this.#afterWrite(
        ctx,
        '/documents',
        `Uploaded ${count} document${count > 1 ? 's' : ''}.`
      )
    } catch (error) {
      const refusal = uploadRefusal(error)
      ctx.response.status(refusal.status)
      return this.#renderIndex(ctx, refusal.error)
    }
  }

  async show(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'organization.view')
    return this.#renderShow(ctx)
  }

  async replace(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'documents.upload')
    const file = singleUploadedFile(ctx.request)
    try {
      const { version } = await new ReplaceDocument().execute({
        organization: ctx.organization!,
        actor: ctx.auth.use('web').user!,
        documentPublicId: ctx.params.document,
        file: file ? (incomingFiles([file])[0] ?? null) : null,
        meta: requestMeta(ctx),
      })
      return this.#afterWrite(
        ctx,
        `/documents/${ctx.params.document}`,
        `Version ${version.version} uploaded; earlier versions are kept.`
      )
    } catch (error) {
      const refusal = uploadRefusal(error)
      ctx.response.status(refusal.status)
      return this.#renderShow(ctx, refusal.error)
    }
  }

  async destroy(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'documents.upload')
    const document = await new DeleteDocument().execute({
      organization: ctx.organization!,
      actor: ctx.auth.use('web').user!,
      documentPublicId: ctx.params.document,
      meta: requestMeta(ctx),
    })
    return this.#afterWrite(ctx, '/documents', `Deleted “${document.title}”.`)
  }

  /**
   * A signed link: valid only before it expires, unchanged, and for the
   * requester's current organisation.
   */
  async file(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'organization.view')
    if (!ctx.request.hasValidSignature(linkPurpose(ctx.organization!))) {
      return ctx.response.forbidden(await ctx.view.render('pages/errors/link_refused'))
    }
    const query = await ctx.request.validateUsing(documentFileValidator, {
      data: ctx.request.qs(),
    })
    const file = await new OpenDocumentFile().execute({
      organization: ctx.organization!,
      documentPublicId: ctx.params.document,
      version: query.version,
      disposition: query.disposition ?? 'attachment',
    })
    return sendDocumentFile(ctx.response, file)
  }

  async #renderIndex(ctx: HttpContext, uploadError: UploadError | null = null) {
    const { filters, filterError } = await filtersOrDefault(
      documentFiltersValidator,
      ctx.request.qs()
    )
    if (filterError) ctx.response.status(422)
    const list = await new ListDocuments().execute({ organization: ctx.organization!, filters })
    const data = {
      ...list,
      ...viewHelpers,
      filters,
      pageHref: (page: number) =>
        `/documents?${new URLSearchParams({ ...stringValues(filters), page: String(page) })}`,
      uploadError,
      filterError,
      categories: documentsConfig.categories,
      maxBytes: documentsConfig.maxBytes,
      acceptedTypes: ACCEPTED_TYPES_LABEL,
    }
    if (ctx.htmx.wantsPartial && ctx.htmx.target === 'documents-list') {
      return ctx.view.render('partials/documents/list', data)
    }
    return ctx.view.render('pages/documents/index', data)
  }

  async #renderShow(ctx: HttpContext, replaceError: UploadError | null = null) {
    const data = await new ShowDocument().execute({
      organization: ctx.organization!,
      documentPublicId: ctx.params.document,
    })
    return ctx.view.render('pages/documents/show', {
      ...data,
      ...viewHelpers,
      replaceError,
      maxBytes: documentsConfig.maxBytes,
      acceptedTypes: ACCEPTED_TYPES_LABEL,
    })
  }

  /**
   * htmx follows HX-Location (the list or page is fetched again with the
   * flash); a plain form is redirected.
   */
  #afterWrite(ctx: HttpContext, location: string, message: string) {
    return redirectAfterWrite(ctx, location, { kind: 'success', message })
  }
}
