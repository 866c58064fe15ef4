import { Exception } from '@adonisjs/core/exceptions'

/**
 * A working agreement or alert setting that cannot be saved as asked:
 * the form shows the message next to the field, with a 422.
 */
export class AgreementRefusal extends Exception {
  static status = 422
  static code = 'E_AGREEMENT_REFUSED'

  constructor(
    readonly field: 'kind' | 'threshold' | 'targetPercent' | 'team' | 'url',
    message: string
  ) {
    super(message, { status: 422, code: 'E_AGREEMENT_REFUSED' })
  }
}
