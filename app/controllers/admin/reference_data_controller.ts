import type { HttpContext } from '@adonisjs/core/http'
import { redirectAfterWrite } from '#services/after_write'
import ImportReferenceUpload, {
  REFERENCE_UPLOAD_LABELS,
  type ReferenceUpload,
  type ReferenceUploadKind,
} from '#actions/admin/import_reference_upload'
import ShowReferenceData from '#actions/admin/show_reference_data'
import sextantConfig from '#config/sextant'
import { requestMeta } from '#services/auth_session'
import { ImportError } from '#services/insights/import_errors'
import { REFERENCE_UPLOAD_LIMIT, UploadRefused, incomingUpload } from '#services/insights/uploads'

const UPLOAD_RULES = {
  csv: { size: REFERENCE_UPLOAD_LIMIT, extnames: ['csv', 'txt'] },
  table: { size: REFERENCE_UPLOAD_LIMIT, extnames: ['csv', 'tsv', 'txt'] },
  json: { size: REFERENCE_UPLOAD_LIMIT, extnames: ['json'] },
}

type ImportFailure = { kind: ReferenceUploadKind; message: string }

/**
 * The admin "Reference data" page: what the shared reference data holds,
 * the last import, and one upload form per kind of file (the same
 * imports as the ace commands). A bad file is answered 422 with the
 * import's message (file, line, column) under its form.
 */
export default class ReferenceDataController {
  async show(ctx: HttpContext) {
    return this.#render(ctx)
  }

  async importReference(ctx: HttpContext) {
    const files = ctx.request.files('files', UPLOAD_RULES.csv)
    return this.#import(ctx, {
      kind: 'reference',
      files: files.map((file) => incomingUpload(file)),
    })
  }

  async importGeographies(ctx: HttpContext) {
    return this.#import(ctx, {
      kind: 'geographies',
      jurisdictions: incomingUpload(ctx.request.file('jurisdictions', UPLOAD_RULES.json)),
      info: incomingUpload(ctx.request.file('info', UPLOAD_RULES.json)),
    })
  }

  async importStandards(ctx: HttpContext) {
    return this.#import(ctx, {
      kind: 'standards',
      file: incomingUpload(ctx.request.file('file', UPLOAD_RULES.table)),
    })
  }

  async #import(ctx: HttpContext, upload: ReferenceUpload) {
    try {
      const result = await new ImportReferenceUpload().execute({
        upload,
        actor: ctx.auth.use('web').user!,
        meta: requestMeta(ctx),
      })
      ctx.session.flash('success', `${result.summary}.`)
    } catch (error) {
      if (!(error instanceof ImportError) && !(error instanceof UploadRefused)) throw error
      ctx.response.status(422)
      return this.#render(ctx, { kind: upload.kind, message: error.message })
    }
    return redirectAfterWrite(ctx, `${sextantConfig.auth.adminPath}/reference-data`)
  }

  async #render(ctx: HttpContext, failure: ImportFailure | null = null) {
    const data = {
      ...(await new ShowReferenceData().execute()),
      failure,
      kindLabels: REFERENCE_UPLOAD_LABELS,
    }
    return ctx.view.render(
      ctx.htmx.wantsPartial ? 'partials/admin_reference_data' : 'pages/admin/reference_data',
      data
    )
  }
}
