import type AiModel from '../ai_model.js'

/** Removes a model; conversations keep the name of the model that answered. */
export default class DeleteAiModel {
  async execute(model: AiModel) {
    await model.delete()
  }
}
