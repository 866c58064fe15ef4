import { FormRefusalException } from '#exceptions/form_refusal'

/**
 * A team change that cannot be made as asked (a duplicate name, a person
 * of another organisation): the form shows the message next to the
 * field, with a 422.
 */
export class TeamRefusedException extends FormRefusalException {
  static status = 422
  static code = 'E_TEAM_REFUSED'

  constructor(field: 'name' | 'person', message: string) {
    super(message, { field })
  }
}
