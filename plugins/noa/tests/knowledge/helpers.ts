import type { ApiClient } from '@japa/api-client'
import CreateApiToken, { type TokenAbility } from '#actions/tokens/create_api_token'
import type { TestAccount } from '#tests/helpers/accounts'

/** An API token of the account, made by the real action. */
export async function apiToken(
  account: TestAccount,
  abilities: TokenAbility[] = ['read', 'write']
) {
  const { value } = await new CreateApiToken().execute({
    user: account.user,
    membership: account.membership,
    name: 'knowledge tests',
    abilities,
    expiresInDays: 1,
    meta: { ip: '127.0.0.1', userAgent: 'knowledge tests' },
  })
  return value
}

/** Three pairs of an employee handbook, the acceptance test's base. */
export const HANDBOOK = {
  document_title: 'Employee handbook',
  question_answer_data: [
    {
      question: 'How many vacation days do employees get per year?',
      answer: 'Every employee gets 25 days of paid vacation per calendar year.',
    },
    {
      question: 'What is the policy for working from home?',
      answer: 'Staff may work remotely up to three days a week with their manager’s approval.',
    },
    {
      question: 'Who do I contact when my laptop breaks?',
      answer: 'Open a ticket with the IT help desk; they replace it within a day.',
    },
  ],
}

/** A client bound to one token, for the knowledge API. */
export function knowledgeApi(client: ApiClient, token: string) {
  const api = {
    store: (body: unknown) => client.post('/api/v1/knowledge').bearerToken(token).json(body),
    list: (query: Record<string, string | number> = {}) =>
      client.get('/api/v1/knowledge').bearerToken(token).qs(query),
    ask: (question: unknown) =>
      client.post('/api/v1/knowledge/ask').bearerToken(token).json({ question }),
    destroy: (id: string) => client.delete(`/api/v1/knowledge/${id}`).bearerToken(token),
    /** the verdict on a question (asserting a 200) */
    async verdict(question: unknown) {
      const response = await api.ask(question)
      response.assertStatus(200)
      return response.body().data
    },
    /** how many entries the token sees */
    async total() {
      const response = await api.list()
      response.assertStatus(200)
      return response.body().meta.total as number
    },
  }
  return api
}
