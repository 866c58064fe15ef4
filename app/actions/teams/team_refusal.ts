import { Exception } from '@adonisjs/core/exceptions'

/**
 * A team change that cannot be made as asked (a duplicate name, a person
 * of another organisation): the form shows the message next to the
 * field, with a 422.
 */
export class TeamRefusal extends Exception {
  static status = 422
  static code = 'E_TEAM_REFUSED'

  constructor(
    readonly field: 'name' | 'person',
    message: string
  ) {
    super(message, { status: 422, code: 'E_TEAM_REFUSED' })
  }
}
