import type { HttpContext } from '@adonisjs/core/http'
import { redirectAfterWrite } from '#services/after_write'
import ImportReferenceUpload, {
  REFERENCE_UPLOAD_LABELS,
  type ReferenceUpload,
} from '#actions/admin/import_reference_upload'
import ShowReferenceData from '#actions/admin/show_reference_data'
import sextantConfig from '#config/sextant'
import { requestMeta } from '#services/auth_session'
import { redrawOnRefusal } from '#exceptions/form_refusal'
import { REFERENCE_UPLOAD_LIMIT, incomingUpload } from '#services/insights/uploads'

const UPLOAD_RULES = {
  csv: { size: REFERENCE_UPLOAD_LIMIT, extnames: ['csv', 'txt'] },
  table: { size: REFERENCE_UPLOAD_LIMIT, extnames: ['csv', 'tsv', 'txt'] },
  json: { size: REFERENCE_UPLOAD_LIMIT, extnames: ['json'] },
}

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
    // a bad file comes back next to the form it was sent with
    redrawOnRefusal(ctx, {
      view: this.#view(ctx),
      state: async (refused) => ({
        ...(await this.#page()),
        failure: { kind: upload.kind, message: refused.message },
      }),
    })
    const result = await new ImportReferenceUpload().execute({
      upload,
      actor: ctx.auth.use('web').user!,
      meta: requestMeta(ctx),
    })
    ctx.session.flash('success', `${result.summary}.`)
    return redirectAfterWrite(ctx, `${sextantConfig.auth.adminPath}/reference-data`)
  }

  async #render(ctx: HttpContext) {
    return ctx.view.render(this.#view(ctx), { ...(await this.#page()), failure: null })
  }

  async #page() {
    return { ...(await new ShowReferenceData().execute()), kindLabels: REFERENCE_UPLOAD_LABELS }
  }

  #view(ctx: HttpContext) {
    return ctx.htmx.wantsPartial ? 'partials/admin_reference_data' : 'pages/admin/reference_data'
  }
}
