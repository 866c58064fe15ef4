/**
 * A provider failure in one line for the record: the HTTP status when
 * there is one, and the message cut short. The OpenAI client never puts
 * the API key in its messages.
 */
export function describeProviderError(error: unknown, what?: string): string {
  const status = (error as { status?: number })?.status
  const name = (error as Error)?.name ?? 'Error'
  const message = ((error as Error)?.message ?? String(error)).slice(0, 500)
  const subject = what ?? name
  return status ? `${subject} (HTTP ${status}): ${message}` : `${subject}: ${message}`
}
