import type User from '#models/user'
import ImportComplianceStandards from '#actions/insights/import_compliance_standards'
import ImportGeographies from '#actions/insights/import_geographies'
import ImportReferenceData from '#actions/insights/import_reference_data'
import type { RequestMeta } from '#services/audit'
import { recordReferenceImport, type ReferenceImportKind } from '#services/insights/import_audit'
import {
  UploadRefusedException,
  uploadedText,
  type IncomingUpload,
} from '#services/insights/uploads'

export type ReferenceUploadKind = ReferenceImportKind
export const REFERENCE_UPLOAD_LABELS: Record<ReferenceUploadKind, string> = {
  reference: 'reference metrics and records',
  geographies: 'jurisdictions',
  standards: 'compliance standards',
}

export type ReferenceUpload =
  | { kind: 'reference'; files: IncomingUpload[] }
  | { kind: 'geographies'; jurisdictions: IncomingUpload | null; info: IncomingUpload | null }
  | { kind: 'standards'; file: IncomingUpload | null }

/**
 * One import from the admin "Reference data" page: reads the uploaded
 * files, runs the same import action as the ace command (which validates
 * everything before writing, in one transaction, then drops every
 * organisation's cached insights) and records who imported what in the
 * audit log.
 * A bad file throws ImportRefusedException (file, line, column) or UploadRefusedException
 * and changes nothing.
 */
export default class ImportReferenceUpload {
  async execute(input: { upload: ReferenceUpload; actor: User | null; meta: RequestMeta }) {
    const { upload } = input
    let files: string[]
    let summary: string
    let counts: Record<string, number>
    if (upload.kind === 'reference') {
      if (upload.files.length === 0) {
        throw new UploadRefusedException(
          'Choose a reference metrics or reference records CSV file.'
        )
      }
      const texts = []
      for (const file of upload.files) texts.push(await uploadedText(file, 'a CSV file'))
      counts = await new ImportReferenceData().execute(texts)
      files = texts.map((text) => text.file)
      summary = `${counts.metrics} reference metrics and ${counts.records} reference records imported`
    } else if (upload.kind === 'geographies') {
      const jurisdictions = await uploadedText(upload.jurisdictions, 'the jurisdictions JSON file')
      const info = await uploadedText(upload.info, 'the jurisdictions information JSON file')
      counts = await new ImportGeographies().execute({ jurisdictions, info })
      files = [jurisdictions.file, info.file]
      summary = `${counts.created} jurisdictions created and ${counts.updated} updated`
    } else {
      const file = await uploadedText(upload.file, 'a CSV or TSV file of standards')
      counts = await new ImportComplianceStandards().execute(file)
      files = [file.file]
      summary = `${counts.standards} standards with ${counts.controls} controls imported (replacing the previous ones)`
    }
    await recordReferenceImport({
      kind: upload.kind,
      files,
      counts,
      actorId: input.actor?.id ?? null,
      meta: input.meta,
    })
    return { kind: upload.kind, files, counts, summary }
  }
}
