/**
 * What a working agreement can be about. Each kind measures a set of
 * rows over a period and says which of them met the threshold; the
 * agreement holds while the share that met it stays at or above the
 * target percentage.
 */
export const AGREEMENT_KINDS = {
  first_review_within_hours: {
    label: 'First review within',
    unit: 'hours',
    max: 24 * 30,
    teams: true,
    describe: (threshold: number) => `First review within ${threshold} h`,
    rows: 'pull requests ready for review',
  },
  pull_request_size_under: {
    label: 'Pull requests under',
    unit: 'changed lines',
    max: 100_000,
    teams: true,
    describe: (threshold: number) => `Pull requests under ${threshold} changed lines`,
    rows: 'merged pull requests',
  },
  critical_vulnerability_open_days: {
    label: 'No critical vulnerability open over',
    unit: 'days',
    max: 365,
    // vulnerabilities belong to repositories, not to people
    teams: false,
    describe: (threshold: number) => `No critical vulnerability open over ${threshold} days`,
    rows: 'critical vulnerabilities open',
  },
  ai_share_attested: {
    label: 'AI share attested on every pull request, at least',
    unit: '% of its AI chunks',
    max: 100,
    teams: true,
    // 100 is the policy's rule (every chunk attested); lower lets a share go unsaid
    describe: (threshold: number) =>
      threshold >= 100
        ? 'AI share attested on every pull request'
        : `AI share attested on every pull request (${threshold}% of its AI chunks)`,
    rows: 'merged pull requests with code labelled AI or blended',
  },
} as const

export type AgreementKind = keyof typeof AGREEMENT_KINDS

export const AGREEMENT_KIND_NAMES = Object.keys(AGREEMENT_KINDS) as AgreementKind[]

export function isAgreementKind(value: unknown): value is AgreementKind {
  return typeof value === 'string' && Object.hasOwn(AGREEMENT_KINDS, value)
}
