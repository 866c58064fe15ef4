import AiModel from '../ai_model.js'

export default class ListAiModels {
  execute(organizationId: number) {
    return AiModel.query().where('organization_id', organizationId).orderBy('name').orderBy('id')
  }
}

/** one model of the organisation by public id; null for another organisation's */
export function findAiModel(organizationId: number, publicId: string) {
  const id = AiModel.keyFromPublicId(publicId)
  if (id === null) return Promise.resolve(null)
  return AiModel.query().where('id', id).where('organization_id', organizationId).first()
}
