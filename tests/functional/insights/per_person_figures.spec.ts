import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { WebClient } from '#tests/helpers/web_client'
import { FIXTURE_WEEK, buildSmallFixture } from '#tests/helpers/insights'
import RollUpMetrics from '#actions/insights/roll_up_metrics'
import { publicIds } from '#services/public_id'

/**
 * Per-person figures (#25) are hidden until the organisation turns them
 * on: the active contributors' list shows its count but no person, its
 * export is refused, a product has no "most active contributors", and a
 * list narrowed to one person (person=, author=) is refused. An owner
 * turns them on in Organisation settings (audited), and they appear.
 */
const WEEK = `from=${FIXTURE_WEEK.from}&to=${FIXTURE_WEEK.to}`

async function ownerWithFixture() {
  const owner = await createAccount({ role: 'owner' })
  const organizationId = owner.organization.id
  const fixture = await buildSmallFixture(organizationId)
  await new RollUpMetrics().execute({ organizationId })
  const web = new WebClient()
  await web.signIn(owner.email, owner.password, owner.totpSecret!)
  return { owner, organizationId, fixture, web }
}

function total(html: string) {
  return Number(html.match(/data-testid="drill-total"><strong>(\d+)<\/strong>/)![1])
}

test.group('Insights | per-person figures', (group) => {
  group.each.setup(resetDatabase())

  test('hidden by default on every page, list and export that would show them', async ({
    assert,
  }) => {
    const { fixture, web } = await ownerWithFixture()
    // the contributors' list: the count, nobody named, no export
    const contributors = await web.get(`/insights/contributors?${WEEK}`)
    assert.equal(contributors.status, 200)
    assert.equal(total(contributors.text), 4)
    assert.include(contributors.text, 'data-testid="people-hidden"')
    assert.notInclude(contributors.text, 'data-testid="drill-row"')
    assert.notInclude(contributors.text, 'alice')
    assert.notInclude(contributors.text, 'format=csv')
    const csv = await web.get(`/insights/contributors?${WEEK}&format=csv`)
    assert.equal(csv.status, 403)
    assert.notInclude(csv.text, 'alice')

    // a product: no most active contributors, on the page or as CSV
    const product = publicIds('product').encode(fixture.core)
    const page = await web.get(`/insights/products/${product}?${WEEK}`)
    assert.equal(page.status, 200)
    assert.notInclude(page.text, 'Most active contributors')
    const table = await web.get(
      `/insights/products/${product}?${WEEK}&format=csv&table=contributors`
    )
    assert.equal(table.status, 404)
    assert.notInclude(table.text, 'alice')

    // one person's pull requests: refused, everyone's shown instead
    const byAuthor = await web.get(`/insights/pull-requests?${WEEK}&author=alice`)
    assert.equal(byAuthor.status, 422)
    assert.include(byAuthor.text, 'Per-person figures are hidden in this organisation')
    assert.equal(total(byAuthor.text), 3)
    assert.notInclude(byAuthor.text, 'name="author"')
    const exported = await web.get(`/insights/pull-requests?${WEEK}&author=alice&format=csv`)
    assert.equal(exported.status, 403)
  })

  test('an owner turns them on in Organisation settings, audited, and they appear', async ({
    assert,
  }) => {
    const { owner, organizationId, fixture, web } = await ownerWithFixture()
    const settings = await web.get('/settings/organization')
    assert.match(settings.text, /name="perPersonFigures" value="hidden"\s+checked/)
    const saved = await web.post('/settings/organization', {
      name: owner.organization.name,
      mfaRequired: 'required',
      perPersonFigures: 'shown',
    })
    assert.equal(saved.location, '/settings/organization')
    await owner.organization.refresh()
    assert.isTrue(owner.organization.perPersonFigures)
    const audit = await db
      .from('audit_events')
      .where('organization_id', organizationId)
      .where('event', 'organization.updated')
      .orderBy('id', 'desc')
      .first()
    const details = JSON.parse(audit.metadata)
    assert.isFalse(details.before.perPersonFigures)
    assert.isTrue(details.after.perPersonFigures)

    const contributors = await web.get(`/insights/contributors?${WEEK}`)
    assert.include(contributors.text, 'alice')
    assert.lengthOf(contributors.text.match(/data-testid="drill-row"/g) ?? [], 4)
    const csv = await web.get(`/insights/contributors?${WEEK}&format=csv`)
    assert.equal(csv.status, 200)
    assert.include(csv.text, 'alice')
    const product = publicIds('product').encode(fixture.core)
    const page = await web.get(`/insights/products/${product}?${WEEK}`)
    assert.include(page.text, 'Most active contributors')
    const byAuthor = await web.get(`/insights/pull-requests?${WEEK}&author=alice`)
    assert.equal(byAuthor.status, 200)
    assert.equal(total(byAuthor.text), 1)

    // and off again
    await web.post('/settings/organization', {
      name: owner.organization.name,
      mfaRequired: 'required',
      perPersonFigures: 'hidden',
    })
    const hiddenAgain = await web.get(`/insights/products/${product}?${WEEK}`)
    assert.notInclude(hiddenAgain.text, 'Most active contributors')
  })
})
