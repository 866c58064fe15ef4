import { withRetries, type MailchimpClient } from './client.js'
import { MERGE_FIELDS } from './merge_fields.js'

export type AudienceDetails = {
  name: string
  company: string
  address1: string
  city: string
  state: string
  zip: string
  country: string
  permissionReminder: string
  fromName: string
  fromEmail: string
}

export type AudienceReport = {
  audienceId: string
  audienceCreated: boolean
  createdFields: string[]
  existingFields: string[]
}

/** every page of an offset/count/total_items listing */
async function allPages<T>(
  fetch: (offset: number, count: number) => Promise<Record<string, any>>,
  key: string
): Promise<T[]> {
  const items: T[] = []
  const count = 100
  for (let offset = 0; ; offset += count) {
    const page = await withRetries(() => fetch(offset, count))
    const batch = (page[key] ?? []) as T[]
    items.push(...batch)
    if (batch.length === 0 || offset + count >= Number(page.total_items ?? 0)) return items
  }
}

/**
 * Creates the audience (unless `audienceId` names one, or an audience of
 * that name exists) and the merge fields it lacks: run again, it creates
 * nothing and says what exists.
 */
export async function ensureAudience(
  client: MailchimpClient,
  input: { audienceId?: string | null; details: AudienceDetails }
): Promise<AudienceReport> {
  let audienceId = input.audienceId ?? null
  let audienceCreated = false
  if (!audienceId) {
    const lists = await allPages<{ id: string; name: string }>(
      (offset, count) => client.lists.getAllLists({ offset, count }),
      'lists'
    )
    audienceId = lists.find((list) => list.name === input.details.name)?.id ?? null
  }
  if (!audienceId) {
    const d = input.details
    const created = await withRetries(() =>
      client.lists.createList({
        name: d.name,
        contact: {
          company: d.company,
          address1: d.address1,
          city: d.city,
          state: d.state,
          zip: d.zip,
          country: d.country,
        },
        permission_reminder: d.permissionReminder,
        campaign_defaults: {
          from_name: d.fromName,
          from_email: d.fromEmail,
          subject: '',
          language: 'en',
        },
        email_type_option: false,
      })
    )
    audienceId = String(created.id)
    audienceCreated = true
  }
  const id = audienceId
  const existing = await allPages<{ tag: string }>(
    (offset, count) => client.lists.getListMergeFields(id, { offset, count }),
    'merge_fields'
  )
  const tags = new Set(existing.map((field) => field.tag))
  const createdFields: string[] = []
  const existingFields: string[] = []
  for (const field of MERGE_FIELDS) {
    if (tags.has(field.tag)) {
      existingFields.push(field.tag)
      continue
    }
    await withRetries(() =>
      client.lists.addListMergeField(id, {
        tag: field.tag,
        name: field.name,
        type: field.type,
        required: false,
        public: false,
      })
    )
    createdFields.push(field.tag)
  }
  return { audienceId: id, audienceCreated, createdFields, existingFields }
}
