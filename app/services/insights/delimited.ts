import { ImportRefusedException } from '#services/insights/import_errors'

export type DelimitedRow = { line: number; cells: string[] }

/**
 * Parses CSV (comma) or TSV (tab) text the RFC 4180 way: quoted fields
 * may hold the delimiter, doubled quotes and line breaks. Each row
 * remembers the line it starts on; blank lines are skipped. The
 * delimiter is the file's extension (.tsv) or, failing that, whichever
 * of tab and comma the header line holds.
 */
export function parseDelimited(file: string, text: string) {
  const content = text.replace(/^\uFEFF/, '')
  const firstLine = content.split(/\r?\n/, 1)[0] ?? ''
  const delimiter = file.toLowerCase().endsWith('.tsv') || firstLine.includes('\t') ? '\t' : ','
  const rows: DelimitedRow[] = []
  let cells: string[] = []
  let cell = ''
  let quoted = false
  let line = 1
  let rowLine = 1
  let fieldStart = true
  for (let index = 0; index < content.length; index++) {
    const char = content[index]
    if (quoted) {
      if (char === '"' && content[index + 1] === '"') {
        cell += '"'
        index++
      } else if (char === '"') {
        quoted = false
        const after = content[index + 1]
        if (after !== undefined && after !== delimiter && after !== '\n' && after !== '\r') {
          throw new ImportRefusedException(
            file,
            { line, column: cells.length + 1 },
            'text after a closing quote'
          )
        }
      } else {
        if (char === '\n') line++
        cell += char
      }
      continue
    }
    if (char === '"' && fieldStart) {
      quoted = true
      fieldStart = false
    } else if (char === delimiter) {
      cells.push(cell)
      cell = ''
      fieldStart = true
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && content[index + 1] === '\n') index++
      cells.push(cell)
      if (cells.some((value) => value.trim() !== '')) rows.push({ line: rowLine, cells })
      cells = []
      cell = ''
      fieldStart = true
      line++
      rowLine = line
    } else {
      if (char === '"') {
        throw new ImportRefusedException(
          file,
          { line, column: cells.length + 1 },
          'a quote inside an unquoted field'
        )
      }
      cell += char
      fieldStart = false
    }
  }
  if (quoted)
    throw new ImportRefusedException(
      file,
      { line: rowLine, column: cells.length + 1 },
      'a quoted field is never closed'
    )
  cells.push(cell)
  if (cells.some((value) => value.trim() !== '')) rows.push({ line: rowLine, cells })
  if (rows.length === 0) throw new ImportRefusedException(file, { line: 1 }, 'the file is empty')
  const [header, ...body] = rows
  return { header: header.cells.map((name) => name.trim().toLowerCase()), rows: body }
}

/**
 * Reads the rows of a parsed file as records of the expected columns
 * (every one required in the header unless optional, in any order;
 * extra columns are an error so a typo is not silently ignored, except a
 * leading database `id` as django-import-export writes it). A row with a
 * different number of cells is an error naming its line.
 */
export function recordsOf<Column extends string>(
  file: string,
  parsed: ReturnType<typeof parseDelimited>,
  columns: readonly Column[],
  options: { optional?: readonly Column[] } = {}
) {
  // django-import-export, which the old system's admin exported with,
  // puts the row's database id first: it names nothing Sextant keys on
  const idColumn = parsed.header.indexOf('id')
  if (idColumn !== -1 && !columns.includes('id' as Column)) {
    parsed = {
      header: parsed.header.filter((_, index) => index !== idColumn),
      rows: parsed.rows.map((row) => {
        if (row.cells.length !== parsed.header.length) {
          throw new ImportRefusedException(
            file,
            { line: row.line, column: Math.min(row.cells.length, parsed.header.length) + 1 },
            `expected ${parsed.header.length} fields, found ${row.cells.length}`
          )
        }
        return { line: row.line, cells: row.cells.filter((_, index) => index !== idColumn) }
      }),
    }
  }
  const missing = columns.filter(
    (column) => !parsed.header.includes(column) && !options.optional?.includes(column)
  )
  if (missing.length > 0) {
    throw new ImportRefusedException(
      file,
      { line: 1 },
      `the header lacks the column(s) ${missing.join(', ')}`
    )
  }
  const unknown = parsed.header.findIndex((name) => !columns.includes(name as Column))
  if (unknown !== -1) {
    throw new ImportRefusedException(
      file,
      { line: 1, column: unknown + 1, columnName: parsed.header[unknown] },
      `unknown column; expected ${columns.join(', ')}`
    )
  }
  return parsed.rows.map((row) => {
    if (row.cells.length !== parsed.header.length) {
      throw new ImportRefusedException(
        file,
        { line: row.line, column: Math.min(row.cells.length, parsed.header.length) + 1 },
        `expected ${parsed.header.length} fields, found ${row.cells.length}`
      )
    }
    const values = {} as Record<Column, string>
    for (const column of options.optional ?? []) values[column] = ''
    parsed.header.forEach((name, index) => {
      values[name as Column] = row.cells[index].trim()
    })
    return {
      line: row.line,
      values,
      /** an ImportRefusedException at this row's cell of `column` */
      error(column: Column, reason: string) {
        return new ImportRefusedException(
          file,
          { line: row.line, column: parsed.header.indexOf(column) + 1, columnName: column },
          reason
        )
      },
    }
  })
}
