import { FormRefusalException } from '#exceptions/form_refusal'
/**
 * A reference-data file that cannot be imported, naming the file, the
 * line and the column (or the JSON entry) at fault. Nothing is written
 * when one is thrown.
 */
export class ImportRefusedException extends FormRefusalException {
  static status = 422
  static code = 'E_IMPORT_REFUSED'

  constructor(
    readonly file: string,
    readonly location: { line?: number; column?: number; columnName?: string; entry?: string },
    readonly reason: string
  ) {
    const where = [
      location.line !== undefined ? `line ${location.line}` : null,
      location.column !== undefined
        ? `column ${location.column}${location.columnName ? ` (${location.columnName})` : ''}`
        : null,
      location.entry ?? null,
    ].filter(Boolean)
    super(`${file}${where.length ? `, ${where.join(', ')}` : ''}: ${reason}`)
    this.name = 'ImportRefusedException'
  }
}

/** a file named on the command line, as text; a missing file is a one-line error */
export async function readImportFile(path: string) {
  const { readFile } = await import('node:fs/promises')
  try {
    return await readFile(path, 'utf8')
  } catch {
    throw new Error(`cannot read ${path}`)
  }
}
