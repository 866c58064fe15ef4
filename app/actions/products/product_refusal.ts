/**
 * A product change that cannot be made as asked (a duplicate name, a
 * repository of another organisation): the form shows the message next
 * to the field, with a 422.
 */
export class ProductRefusal extends Error {
  constructor(
    readonly field: 'name' | 'repositories' | 'issueProjects',
    message: string
  ) {
    super(message)
  }
}
