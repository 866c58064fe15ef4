import { FormRefusalException } from '#exceptions/form_refusal'

/**
 * A working agreement or alert setting that cannot be saved as asked:
 * the form shows the message next to the field, with a 422.
 */
export class AgreementRefusedException extends FormRefusalException {
  static status = 422
  static code = 'E_AGREEMENT_REFUSED'

  constructor(field: 'kind' | 'threshold' | 'targetPercent' | 'team' | 'url', message: string) {
    super(message, { field, code: 'E_AGREEMENT_REFUSED' })
  }
}
