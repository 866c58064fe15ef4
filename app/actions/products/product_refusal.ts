import { FormRefusalException } from '#exceptions/form_refusal'

/**
 * A product change that cannot be made as asked (a duplicate name, a
 * repository of another organisation): the form shows the message next
 * to the field, with a 422 (the exception handler draws it, see
 * docs/errors.md).
 */
export class ProductRefusedException extends FormRefusalException {
  static code = 'E_PRODUCT_REFUSED'

  constructor(field: 'name' | 'repositories' | 'issueProjects', message: string) {
    super(message, { field, code: ProductRefusedException.code })
  }
}
