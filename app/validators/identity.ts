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
