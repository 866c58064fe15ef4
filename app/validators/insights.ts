import vine from '@vinejs/vine'

export const RANGE_PRESETS = ['30', '90', '180'] as const

const day = () =>
  vine
    .string()
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional()

/**
 * The dashboards' filter form (a GET): a preset number of days, or a
 * custom from/to (inclusive UTC days), and the table export format.
 */
export const insightFiltersValidator = vine.create({
  range: vine.enum([...RANGE_PRESETS, 'custom'] as const).optional(),
  from: day(),
  to: day(),
  format: vine.enum(['html', 'csv'] as const).optional(),
  table: vine
    .string()
    .trim()
    .regex(/^[a-z0-9_-]{1,40}$/)
    .optional(),
  geography: vine
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z0-9_-]{1,16}$/)
    .optional(),
})

/**
 * A product's name and description (create and rename).
 */
export const productValidator = vine.create({
  name: vine.string().trim().minLength(1).maxLength(120),
  description: vine.string().trim().maxLength(1000).optional(),
})

/**
 * The repositories of a product: public ids from the checkbox list
 * (none checked means the product has no repository).
 */
export const productRepositoriesValidator = vine.create({
  repositories: vine
    .array(
      vine
        .string()
        .trim()
        .regex(/^[A-Za-z0-9]{1,32}$/)
    )
    .maxLength(5000)
    .optional(),
})

/**
 * The issue projects and components of a product: `ENG` or `ENG:Billing`
 * from the checkbox list (none checked: the product has none).
 */
export const productIssueProjectsValidator = vine.create({
  issue_projects: vine
    .array(vine.string().trim().minLength(1).maxLength(320))
    .maxLength(5000)
    .optional(),
})
