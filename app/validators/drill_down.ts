import vine from '@vinejs/vine'

const day = () =>
  vine
    .string()
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional()

const publicId = () =>
  vine
    .string()
    .trim()
    .regex(/^[A-Za-z0-9]{1,32}$/)
    .optional()

export const PULL_REQUEST_SORTS = ['merged', '-merged', 'size', '-size', 'number', '-number'] as const

/**
 * The filters of a drill-down list (a GET): inclusive UTC days, the
 * repository or product by public id, the provider, a sort, a page and
 * the CSV export.
 */
export const pullRequestListValidator = vine.create({
  from: day(),
  to: day(),
  repository: publicId(),
  product: publicId(),
  provider: vine
    .string()
    .trim()
    .regex(/^[a-z0-9_-]{1,64}$/)
    .optional(),
  sort: vine.enum(PULL_REQUEST_SORTS).optional(),
  page: vine.number().withoutDecimals().min(1).max(100_000).optional(),
  format: vine.enum(['html', 'csv'] as const).optional(),
})
