import { db, secretBox, sqlTime } from '#plugin-sdk'

/**
 * The GitHub App Sextant created through GitHub's manifest flow, stored
 * in the database with its secrets sealed. Environment variables win
 * over it (config.ts), so deployments configured by hand keep working.
 */
export type AppRegistration = {
  appId: string
  slug: string
  name: string
  ownerLogin: string | null
  htmlUrl: string | null
  clientId: string
  clientSecret: string
  privateKey: string
  webhookSecret: string
  webhookUrl: string | null
  createdAt: Date
}

export const REGISTRATIONS_TABLE = 'github_app_registrations'
export const SEALED_REGISTRATION_COLUMNS = [
  'client_secret',
  'private_key',
  'webhook_secret',
] as const
type SealedColumn = (typeof SEALED_REGISTRATION_COLUMNS)[number]

const purpose = (column: SealedColumn, rowId: number) => ({
  table: REGISTRATIONS_TABLE,
  column,
  rowId,
})

// Every process reads the registration on use; a short memo keeps
// webhook verification off the database without making a newly created
// App wait for a restart (workers see it within this many milliseconds).
const MEMO_MS = 3_000
let memo: { at: number; value: AppRegistration | null } | null = null

export function forgetRegistrationMemo() {
  memo = null
}

export async function currentRegistration(): Promise<AppRegistration | null> {
  if (memo && Date.now() - memo.at < MEMO_MS) return memo.value
  const row = await db.from(REGISTRATIONS_TABLE).orderBy('id', 'desc').first()
  const value = row ? openRow(row) : null
  memo = { at: Date.now(), value }
  return value
}

function openRow(row: Record<string, any>): AppRegistration {
  const open = (column: SealedColumn) => secretBox().open(row[column], purpose(column, row.id))
  return {
    appId: String(row.app_id),
    slug: row.slug,
    name: row.name,
    ownerLogin: row.owner_login,
    htmlUrl: row.html_url,
    clientId: row.client_id,
    clientSecret: open('client_secret'),
    privateKey: open('private_key'),
    webhookSecret: open('webhook_secret'),
    webhookUrl: row.webhook_url,
    createdAt: new Date(row.created_at),
  }
}

export type NewRegistration = Omit<AppRegistration, 'createdAt'> & {
  createdByUserPublicId: string | null
}

/**
 * Stores a newly created App in place of the previous one, in one
 * transaction: the row is inserted with placeholders, then its secrets
 * are sealed bound to its id.
 */
export async function saveRegistration(registration: NewRegistration) {
  const now = sqlTime()
  await db.transaction(async (trx) => {
    await trx.from(REGISTRATIONS_TABLE).delete()
    const [inserted] = await trx
      .table(REGISTRATIONS_TABLE)
      .insert({
        app_id: registration.appId,
        slug: registration.slug,
        name: registration.name,
        owner_login: registration.ownerLogin,
        html_url: registration.htmlUrl,
        client_id: registration.clientId,
        client_secret: '',
        private_key: '',
        webhook_secret: '',
        webhook_url: registration.webhookUrl,
        created_by_user_public_id: registration.createdByUserPublicId,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
    const id = Number(typeof inserted === 'object' ? inserted.id : inserted)
    const seal = (column: SealedColumn, value: string) =>
      secretBox().seal(value, purpose(column, id))
    await trx
      .from(REGISTRATIONS_TABLE)
      .where('id', id)
      .update({
        client_secret: seal('client_secret', registration.clientSecret),
        private_key: seal('private_key', registration.privateKey),
        webhook_secret: seal('webhook_secret', registration.webhookSecret),
      })
  })
  forgetRegistrationMemo()
}

/** the webhook URL GitHub delivers to, as an administrator corrected it */
export async function updateWebhookUrl(webhookUrl: string) {
  await db.from(REGISTRATIONS_TABLE).update({ webhook_url: webhookUrl, updated_at: sqlTime() })
  forgetRegistrationMemo()
}
