import { complianceOverview, listGeographies } from '#services/insights/compliance'
import type { ControlStatus, JurisdictionCompliance } from '#services/insights/types'
import { renderFigure, stackedBarChart } from '#services/charts/index'
import type { PageTable } from '#services/insights_pages/tables'

export const STATUS_LABELS: Record<ControlStatus, string> = {
  met: 'Met',
  not_met: 'Not met',
  no_data: 'No data',
}

/**
 * The Compliance Detail page for one jurisdiction (the first by name
 * when none is chosen) or all of them ("ALL"). Not cached: evidence
 * changes with documents and settings that do not invalidate the
 * insights cache, and the page costs a fixed handful of queries.
 */
export async function complianceDetail(organizationId: number, geography: string | null) {
  const geographies = await listGeographies()
  const wanted = geography === 'ALL' ? null : (geography ?? geographies[0]?.code ?? null)
  const known = wanted === null || geographies.some((entry) => entry.code === wanted)
  const jurisdictions =
    known && geographies.length ? await complianceOverview(organizationId, wanted) : []
  return {
    geographies,
    selected: geography === 'ALL' ? 'ALL' : wanted,
    unknownGeography: !known,
    jurisdictions: jurisdictions.map((jurisdiction) => ({
      ...jurisdiction,
      figure: jurisdiction.standards.length ? statusFigure(jurisdiction) : null,
    })),
    tables: [controlsTable(jurisdictions)],
  }
}

function statusFigure(jurisdiction: JurisdictionCompliance) {
  const standards = jurisdiction.standards
  return renderFigure(
    stackedBarChart({
      title: `Control status in ${jurisdiction.name}`,
      categories: standards.map((standard) => standard.code),
      segments: [
        { name: 'Met', values: standards.map((s) => s.met), className: 'chart-met' },
        { name: 'Not met', values: standards.map((s) => s.notMet), className: 'chart-not-met' },
        { name: 'No data', values: standards.map((s) => s.noData), className: 'chart-no-data' },
      ],
    })
  )
}

function controlsTable(jurisdictions: JurisdictionCompliance[]): PageTable {
  const rows = jurisdictions.flatMap((jurisdiction) =>
    jurisdiction.standards.flatMap((standard) =>
      standard.controls.map((control) => ({ jurisdiction, standard, control }))
    )
  )
  return {
    name: 'controls',
    title: 'Controls and evidence',
    columns: ['Jurisdiction', 'Standard', 'Control', 'Name', 'Status', 'Why', 'Evidence'],
    cells: rows.map(({ jurisdiction, standard, control }) => [
      jurisdiction.name,
      standard.code,
      control.code,
      control.name,
      STATUS_LABELS[control.status],
      control.detail,
      control.evidence.map((link) => link.label).join('; '),
    ]),
    values: rows.map(({ jurisdiction, standard, control }) => [
      jurisdiction.name,
      standard.code,
      control.code,
      control.name,
      STATUS_LABELS[control.status],
      control.detail,
      control.evidence.map((link) => `${link.label} (${link.href})`).join('; '),
    ]),
    empty: 'No control applies here.',
  }
}
