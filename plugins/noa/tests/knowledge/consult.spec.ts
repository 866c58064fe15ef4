import { test } from '@japa/runner'
import { createAccount } from '#tests/helpers/accounts'
import { resetDatabase } from '#tests/helpers/database'
import AddKnowledge from '../../knowledge/actions/add_knowledge.js'
import SaveKnowledgeSettings from '../../knowledge/actions/save_knowledge_settings.js'
import { ConsultKnowledge } from '../../knowledge/consult.js'
import { DEFAULT_SETTINGS } from '../../knowledge/settings.js'
import { HANDBOOK } from './helpers.js'

test.group('Consulting the knowledge base', (group) => {
  group.each.setup(resetDatabase())

  async function organizationWith(documents: Record<string, [string, string][]>) {
    const { organization } = await createAccount({ withTotp: false })
    for (const [documentTitle, pairs] of Object.entries(documents)) {
      await new AddKnowledge().execute({
        organizationId: organization.id,
        documentTitle,
        pairs: pairs.map(([question, answer]) => ({ question, answer })),
      })
    }
    return organization.id
  }

  test('a match carries the next best pairs above the threshold, best first, up to top-k', async ({
    assert,
  }) => {
    const organizationId = await organizationWith({
      [HANDBOOK.document_title]: HANDBOOK.question_answer_data.map((pair) => [
        pair.question,
        pair.answer,
      ]),
    })
    await new SaveKnowledgeSettings().execute({
      organizationId,
      settings: { ...DEFAULT_SETTINGS, similarityThreshold: 0.1, topK: 2 },
    })
    const verdict = await new ConsultKnowledge().execute({
      organizationId,
      question: 'How many vacation days do employees get per year?',
    })
    assert.equal(verdict.kind, 'match')
    if (verdict.kind !== 'match') return
    assert.equal(verdict.question, HANDBOOK.question_answer_data[0].question)
    assert.closeTo(verdict.similarity, 1, 0.001)
    assert.lengthOf(verdict.related, 1)
    assert.isBelow(verdict.related[0].similarity, verdict.similarity)
  })

  test('sample questions take one question from each document in turn', async ({ assert }) => {
    const organizationId = await organizationWith({
      'Office guide': [
        ['Where can I park?', 'Level -2.'],
        ['When is the office open?', '8:00 to 19:00.'],
      ],
      'IT': [
        ['How do I reset my password?', 'At id.example.org.'],
        ['Which VPN do we use?', 'WireGuard.'],
      ],
    })
    const verdict = await new ConsultKnowledge().execute({
      organizationId,
      question: 'Explain quantum entanglement',
    })
    assert.deepEqual(verdict, {
      kind: 'no_match',
      message:
        'I could not find an answer to that in the knowledge base. You could ask, for example: “Where can I park?”, “How do I reset my password?”, “When is the office open?”.',
      sampleQuestions: [
        'Where can I park?',
        'How do I reset my password?',
        'When is the office open?',
      ],
      strict: false,
    })
  })
})
