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

export const PULL_REQUEST_SORTS = [
  'merged',
  '-merged',
  'size',
  '-size',
  'number',
  '-number',
] as const

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
  person: publicId(),
  team: publicId(),
  author: vine
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_.@\[\]-]{1,255}$/)
    .optional(),
  sort: vine.enum(PULL_REQUEST_SORTS).optional(),
  page: vine.number().withoutDecimals().min(1).max(100_000).optional(),
  format: vine.enum(['html', 'csv'] as const).optional(),
})

const commonFilters = {
  from: day(),
  to: day(),
  repository: publicId(),
  product: publicId(),
  provider: vine
    .string()
    .trim()
    .regex(/^[a-z0-9_-]{1,64}$/)
    .optional(),
  page: vine.number().withoutDecimals().min(1).max(100_000).optional(),
  format: vine.enum(['html', 'csv'] as const).optional(),
}

/** production deployments (deployment frequency, change failure rate, time to restore) */
export const deploymentListValidator = vine.create({
  ...commonFilters,
  failed: vine.enum(['1'] as const).optional(),
  sort: vine.enum(['started', '-started'] as const).optional(),
})

/** vulnerabilities open at the end of the range's last day */
export const vulnerabilityListValidator = vine.create({
  ...commonFilters,
  severity: vine.enum(['critical', 'high', 'medium', 'low'] as const).optional(),
  sort: vine.enum(['introduced', '-introduced'] as const).optional(),
})

/** issues opened in the range (bug rate) */
export const issueListValidator = vine.create({
  ...commonFilters,
  type: vine
    .string()
    .trim()
    .regex(/^[A-Za-z0-9 _-]{1,64}$/)
    .optional(),
  sort: vine.enum(['opened', '-opened'] as const).optional(),
})

/** pull requests first reviewed in the range (time to first review) */
export const firstReviewListValidator = vine.create({
  ...commonFilters,
  team: publicId(),
  sort: vine.enum(['reviewed', '-reviewed', 'wait', '-wait'] as const).optional(),
})

/** merged pull requests first deployed to production in the range (lead time for changes) */
export const deployedChangeListValidator = vine.create({
  ...commonFilters,
  team: publicId(),
  sort: vine.enum(['deployed', '-deployed', 'lead', '-lead'] as const).optional(),
})

/** commits made in the range (AI-assisted share); ai=1 the assisted ones, ai=0 the others */
export const commitListValidator = vine.create({
  ...commonFilters,
  team: publicId(),
  ai: vine.enum(['0', '1'] as const).optional(),
  sort: vine.enum(['committed', '-committed'] as const).optional(),
})

/** people active in the range (active contributors) */
export const contributorListValidator = vine.create({
  ...commonFilters,
  sort: vine.enum(['activity', '-activity'] as const).optional(),
})
