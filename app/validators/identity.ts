import vine from '@vinejs/vine'

export const mapReferenceValidator = vine.create({
  repository: vine.string().trim().minLength(1).maxLength(64),
})

export const mergePeopleValidator = vine.create({
  people: vine.array(vine.string().trim().maxLength(64)).minLength(2).maxLength(50),
})

export const peopleFiltersValidator = vine.create({
  q: vine.string().trim().maxLength(100).optional(),
})

/** a team's name (Settings → Teams) */
export const teamValidator = vine.create({
  name: vine.string().trim().minLength(1).maxLength(120),
})

/** one of the organisation's people, by public id (Settings → Teams) */
export const teamMemberValidator = vine.create({
  person: vine.string().trim().minLength(1).maxLength(64),
})
