import { createHash } from 'node:crypto'
import type { DemoContext, VulnerabilityInput } from '#plugin-sdk'

const REPOSITORIES = ['launch-control', 'telemetry', 'guidance', 'ground-station', 'fuel-system']
const FINDINGS = [
  { title: 'Prototype Pollution', package: 'lodash', id: 'CVE-2020-8203' },
  {
    title: 'Regular Expression Denial of Service (ReDoS)',
    package: 'semver',
    id: 'CVE-2022-25883',
  },
  { title: 'Server-side Request Forgery (SSRF)', package: 'axios', id: 'CVE-2023-45857' },
  { title: 'Deserialization of Untrusted Data', package: 'jackson-databind', id: 'CVE-2020-36518' },
  { title: 'SQL Injection', package: 'src/db/query.ts', id: 'SNYK-CODE-SQLI' },
  { title: 'Improper Input Validation', package: 'golang.org/x/net', id: 'CVE-2023-44487' },
]
const SEVERITIES: VulnerabilityInput['severity'][] = [
  'critical',
  'high',
  'high',
  'medium',
  'medium',
  'low',
]
const PER_REPOSITORY = 12
const DAY = 86_400_000

/** deterministic "randomness", so running the demo twice writes the same rows */
function unit(seed: string) {
  return createHash('sha1').update(seed).digest().readUInt32BE(0) / 0xffffffff
}

/**
 * Snyk-shaped findings for the demo organisation's repositories (named by
 * their GitHub URLs, so they attach across providers): open, fixed and
 * ignored issues of every severity over the last six months, some past
 * their remediation SLA. Upserted by stable ids.
 */
export async function populateDemoData({ store, now }: DemoContext) {
  const rows: VulnerabilityInput[] = []
  for (const repository of REPOSITORIES) {
    for (let index = 0; index < PER_REPOSITORY; index++) {
      const seed = `snyk:${repository}:${index}`
      const finding = FINDINGS[Math.floor(unit(`${seed}:finding`) * FINDINGS.length)]
      const severity = SEVERITIES[Math.floor(unit(`${seed}:severity`) * SEVERITIES.length)]
      const introduced = now - Math.floor(5 + unit(`${seed}:age`) * 175) * DAY
      const roll = unit(`${seed}:status`)
      const status: VulnerabilityInput['status'] =
        roll < 0.55 ? 'fixed' : roll < 0.62 ? 'ignored' : 'open'
      const fixedAt =
        status === 'fixed'
          ? Math.min(now - DAY, introduced + Math.floor(2 + unit(`${seed}:fix`) * 60) * DAY)
          : null
      rows.push({
        externalId: `demo-snyk-${repository}-${index}`,
        repository: { url: `https://github.com/acme-rockets/${repository}` },
        title: finding.title,
        severity,
        identifier: finding.id,
        packageName: finding.package,
        status,
        introducedAt: new Date(introduced),
        fixedAt: fixedAt ? new Date(fixedAt) : null,
        remoteUpdatedAt: new Date(fixedAt ?? introduced),
        exploitMaturity: unit(`${seed}:exploit`) < 0.25 ? 'Proof of Concept' : null,
        fixAvailable: unit(`${seed}:fixable`) < 0.7,
      })
    }
  }
  await store.upsertVulnerabilities(rows)
}
