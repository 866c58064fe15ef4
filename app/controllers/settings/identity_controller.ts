import type { HttpContext } from '@adonisjs/core/http'
import { errors as vineErrors } from '@vinejs/vine'
import { memberCan } from '#abilities/main'
import { redirectAfterWrite } from '#services/after_write'
import { requestMeta } from '#services/auth_session'
import { pendingReferences, repositoryChoices } from '#queries/repository_references'
import { listPeople, PEOPLE_PAGE_LIMIT } from '#queries/people'
import MapRepositoryReference from '#actions/identity/map_repository_reference'
import MergePeople from '#actions/identity/merge_people'
import SplitIdentity from '#actions/identity/split_identity'
import { IdentityRefusal } from '#actions/identity/identity_refusal'
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
  async references(ctx: HttpContext, refusal: string | null = null) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'integrations.manage')
    const organizationId = ctx.organization!.id
    const [references, repositories] = await Promise.all([
      pendingReferences(organizationId),
      repositoryChoices(organizationId),
    ])
    if (refusal) ctx.response.status(422)
    return ctx.view.render('pages/settings/repository_references', {
      references,
      repositories,
      refusal,
    })
  }

  async mapReference(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'integrations.manage')
    try {
      const { repository } = await ctx.request.validateUsing(mapReferenceValidator)
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
    } catch (error) {
      if (error instanceof vineErrors.E_VALIDATION_ERROR) {
        return this.references(ctx, 'Choose the repository this reference means.')
      }
      if (!(error instanceof IdentityRefusal) || error.status !== 422) throw error
      return this.references(ctx, error.message)
    }
  }

  async people(ctx: HttpContext, refusal: string | null = null) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'integrations.manage')
    const filters = await ctx.request.validateUsing(peopleFiltersValidator, {
      data: ctx.request.qs(),
    })
    const people = await listPeople(ctx.organization!.id, { search: filters.q })
    if (refusal) ctx.response.status(422)
    return ctx.view.render('pages/settings/people', {
      people,
      filters,
      limit: PEOPLE_PAGE_LIMIT,
      refusal,
    })
  }

  async merge(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'integrations.manage')
    try {
      const { people } = await ctx.request.validateUsing(mergePeopleValidator)
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
    } catch (error) {
      if (error instanceof vineErrors.E_VALIDATION_ERROR) {
        return this.people(ctx, 'Choose at least two people to merge.')
      }
      if (!(error instanceof IdentityRefusal) || error.status !== 422) throw error
      return this.people(ctx, error.message)
    }
  }

  async split(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'integrations.manage')
    try {
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
    } catch (error) {
      if (!(error instanceof IdentityRefusal) || error.status !== 422) throw error
      return this.people(ctx, error.message)
    }
  }
}
