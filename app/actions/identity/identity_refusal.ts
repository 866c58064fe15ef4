import { Exception } from '@adonisjs/core/exceptions'

/**
 * A mapping, merge or split that cannot be made as asked (a repository of
 * another organisation, a person who is not there): the page shows the
 * message inline, with a 422.
 */
export class IdentityRefusal extends Exception {
  static status = 422
  static code = 'E_IDENTITY_REFUSED'
}
