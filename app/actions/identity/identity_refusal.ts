import { Exception } from '@adonisjs/core/exceptions'
import { FormRefusalException } from '#exceptions/form_refusal'

/**
 * A mapping, merge or split that cannot be made as asked (a repository of
 * another organisation, a person who is not there): the page shows the
 * message inline, with a 422.
 */
export class IdentityRefusedException extends FormRefusalException {
  static status = 422
  static code = 'E_IDENTITY_REFUSED'
}

/** a reference or identity that is not in the organisation's list (any more) */
export class IdentityNotFoundException extends Exception {
  static status = 404
  static code = 'E_IDENTITY_NOT_FOUND'
}
