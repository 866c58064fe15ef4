import { vine } from '#plugin-sdk'

export const chatMessageValidator = vine.create({
  message: vine.string().trim().minLength(1).maxLength(4000),
})
