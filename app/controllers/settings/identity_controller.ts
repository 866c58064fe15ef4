import type { HttpContext } from '@adonisjs/core/http'
import { memberCan } from '#abilities/main'
import { redirectAfterWrite } from '#services/after_write'
import { requestMeta } from '#services/auth_session'
import { pendingReferences, repositoryChoices } from '#queries/repository_references'
import { listPeople, PEOPLE_PAGE_LIMIT } from '#queries/people'
import MapRepositoryReference from '#actions/identity/map_repository_reference'
import MergePeople from '#actions/identity/merge_people'
import SplitIdentity from '#actions/identity/split_identity'
import { redrawOnRefusal, validatedOrRefused } from '#exceptions/form_refusal'
import {
  mapReferenceValidator,
  mergePeopleValidator,
  peopleFiltersValidator,
} from '#validators/identity'

/**
 * Settings → Repository mapping and Settings → People: the references
 * plugins wrote that no repository matched, mapped by hand; the people
 * behind provider identities, merged and split by hand
 * (integrations.manage).
 */
export default class IdentityController {
  async references(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'integrations.manage')
    return ctx.view.render('pages/settings/repository_references', await this.#referencesPage(ctx))
  }

  async mapReference(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'integrations.manage')
    redrawOnRefusal(ctx, {
      view: 'pages/settings/repository_references',
      state: () => this.#referencesPage(ctx),
    })
    const { repository } = await validatedOrRefused(
      ctx.request.validateUsing(mapReferenceValidator),
      'Choose the repository this reference means.'
    )
    const mapped = await new MapRepositoryReference().execute({
      organizationId: ctx.organization!.id,
      actor: ctx.auth.use('web').user!,
      meta: requestMeta(ctx),
      referencePublicId: ctx.params.reference,
      repositoryPublicId: repository,
    })
    return redirectAfterWrite(ctx, '/settings/repository-mapping', {
      kind: 'success',
      message: `${mapped.label} now points at ${mapped.repository}.`,
    })
  }

  async people(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'integrations.manage')
    return ctx.view.render('pages/settings/people', await this.#peoplePage(ctx))
  }

  async merge(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'integrations.manage')
    redrawOnRefusal(ctx, { view: 'pages/settings/people', state: () => this.#peoplePage(ctx) })
    const { people } = await validatedOrRefused(
      ctx.request.validateUsing(mergePeopleValidator),
      'Choose at least two people to merge.'
    )
    const merged = await new MergePeople().execute({
      organizationId: ctx.organization!.id,
      actor: ctx.auth.use('web').user!,
      meta: requestMeta(ctx),
      personPublicIds: people,
    })
    return redirectAfterWrite(ctx, '/settings/people', {
      kind: 'success',
      message: `${merged.merged + 1} people are now one: ${merged.displayName}.`,
    })
  }

  async split(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'integrations.manage')
    redrawOnRefusal(ctx, { view: 'pages/settings/people', state: () => this.#peoplePage(ctx) })
    const split = await new SplitIdentity().execute({
      organizationId: ctx.organization!.id,
      actor: ctx.auth.use('web').user!,
      meta: requestMeta(ctx),
      identityPublicId: ctx.params.identity,
    })
    return redirectAfterWrite(ctx, '/settings/people', {
      kind: 'success',
      message: `${split.login} (${split.provider}) is now a person of its own.`,
    })
  }

  async #referencesPage(ctx: HttpContext) {
    const organizationId = ctx.organization!.id
    const [references, repositories] = await Promise.all([
      pendingReferences(organizationId),
      repositoryChoices(organizationId),
    ])
    return { references, repositories }
  }

  async #peoplePage(ctx: HttpContext) {
    const filters = await ctx.request.validateUsing(peopleFiltersValidator, {
      data: ctx.request.qs(),
    })
    const people = await listPeople(ctx.organization!.id, { search: filters.q })
    return { people, filters, limit: PEOPLE_PAGE_LIMIT }
  }
}
