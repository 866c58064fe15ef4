import { errors as vineErrors } from '@vinejs/vine'

type FilterValidator<Output> = {
  validate(data: unknown): Promise<Output>
}

/**
 * A list's filters from its query string. A filter that cannot be used
 * (`?page=abc`, `?from=0000-00-00`) is not bounced to another page where
 * its message would be lost: the list answers 422 with its default view
 * and says why above the content, as the insights pages do.
 */
export async function filtersOrDefault<Output>(
  validator: FilterValidator<Output>,
  query: Record<string, unknown>
): Promise<{ filters: Output | Record<string, never>; filterError: string | null }> {
  try {
    return { filters: await validator.validate(query), filterError: null }
  } catch (error) {
    if (!(error instanceof vineErrors.E_VALIDATION_ERROR)) throw error
    const reasons = (error.messages as { message: string }[]).map((item) => item.message)
    return {
      filters: {},
      filterError: `This filter could not be used (${reasons.join(' ')}): showing the whole list instead.`,
    }
  }
}
