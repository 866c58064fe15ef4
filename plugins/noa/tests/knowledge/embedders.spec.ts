import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { createAccount } from '#tests/helpers/accounts'
import { resetDatabase } from '#tests/helpers/database'
import AiModel from '../../ai/ai_model.js'
import { openAiClientFor, resolveModel } from '../../ai/models.js'
import { EmbeddingFailed } from '../../knowledge/embedders/embedder.js'
import { LocalEmbedder } from '../../knowledge/embedders/local_embedder.js'
import { OpenAiEmbedder } from '../../knowledge/embedders/openai_embedder.js'
import {
  EMBEDDING_DIMENSIONS,
  fakeEmbedding,
  startFakeModelServer,
  type FakeModelServer,
} from '../fake_model/fake_model_server.js'
import { HANDBOOK, apiToken, knowledgeApi } from './helpers.js'

async function embeddingsModel(organizationId: number, server: FakeModelServer) {
  return AiModel.create({
    organizationId,
    name: 'Fake embeddings',
    baseUrl: server.baseUrl,
    model: 'fake-embeddings',
    canEmbed: true,
    defaultEmbeddings: true,
  })
}

test.group('Knowledge embedders', (group) => {
  let server: FakeModelServer
  group.setup(async () => {
    server = await startFakeModelServer()
    return () => server.close()
  })
  group.each.setup(() => server.reset())
  group.each.setup(resetDatabase())

  test('the local embedder gives unit vectors of 512 dimensions, in order', async ({ assert }) => {
    const vectors = await new LocalEmbedder().embed(['first text', 'second text'])
    assert.lengthOf(vectors, 2)
    for (const vector of vectors) {
      assert.lengthOf(vector, 512)
      assert.closeTo(Math.hypot(...vector), 1, 1e-5)
    }
    assert.notDeepEqual(vectors[0], vectors[1])
  })

  test('the OpenAI embedder sends the model and the texts and returns unit vectors', async ({
    assert,
  }) => {
    const account = await createAccount({ withTotp: false })
    const model = resolveModel(await embeddingsModel(account.organization.id, server))
    const embedder = new OpenAiEmbedder(await openAiClientFor(model), model)
    const vectors = await embedder.embed(['Where can I park?', 'Who fixes laptops?'])

    const [request] = server.requestsTo('embeddings')
    assert.deepEqual(request.body.input, ['Where can I park?', 'Who fixes laptops?'])
    assert.equal(request.body.model, 'fake-embeddings')
    assert.lengthOf(vectors[0], EMBEDDING_DIMENSIONS)
    assert.equal(embedder.dimensions, EMBEDDING_DIMENSIONS)
    for (const [index, value] of fakeEmbedding('Who fixes laptops?').entries()) {
      assert.closeTo(vectors[1][index], value, 1e-9)
    }
    assert.equal(embedder.id, `openai:fake-embeddings@${server.baseUrl.replace(/\/+$/, '')}`)
  })

  test('a failing provider becomes an EmbeddingFailed that names the model and the status, not the provider’s words', async ({
    assert,
  }) => {
    const account = await createAccount({ withTotp: false })
    const model = resolveModel(await embeddingsModel(account.organization.id, server))
    const embedder = new OpenAiEmbedder(await openAiClientFor(model), model)
    server.setMode('error', 'embeddings')
    const error = await embedder.embed(['anything']).catch((caught: unknown) => caught)
    assert.instanceOf(error, EmbeddingFailed)
    assert.equal(
      (error as Error).message,
      'The embeddings model “Fake embeddings” answered HTTP 500: the provider failed.'
    )
    assert.notInclude((error as Error).message, 'failing on purpose')
  })

  test("an organisation's default embeddings model embeds its entries and questions, and a repeated question is answered from the cache", async ({
    assert,
    client,
  }) => {
    const admin = await createAccount({ role: 'admin' })
    await embeddingsModel(admin.organization.id, server)
    const api = knowledgeApi(client, await apiToken(admin))

    const stored = await api.store(HANDBOOK)
    stored.assertStatus(201)
    assert.deepEqual(
      server.requestsTo('embeddings')[0].body.input,
      HANDBOOK.question_answer_data.map((pair) => pair.question)
    )
    const rows = await db
      .from('noa_knowledge_entries')
      .select('embedder_id', 'embedding_dimensions')
    assert.isTrue(rows.every((row) => row.embedder_id.startsWith('openai:fake-embeddings@')))
    assert.isTrue(rows.every((row) => Number(row.embedding_dimensions) === EMBEDDING_DIMENSIONS))

    const first = await api.ask('Who do I contact when my laptop breaks?')
    assert.equal(first.body().data.answer, HANDBOOK.question_answer_data[2].answer)
    const again = await api.ask('  who do I contact when my LAPTOP breaks ')
    assert.deepEqual(again.body().data, first.body().data)
    assert.lengthOf(server.requestsTo('embeddings'), 2)
  })

  test('entries embedded by another embedder are embedded again before they are compared', async ({
    assert,
    client,
  }) => {
    const admin = await createAccount({ role: 'admin' })
    const api = knowledgeApi(client, await apiToken(admin))
    await api.store(HANDBOOK)
    const before = await db.from('noa_knowledge_entries').select('embedder_id')
    assert.isTrue(before.every((row) => row.embedder_id === new LocalEmbedder().id))

    await embeddingsModel(admin.organization.id, server)
    const answer = await api.ask('How many vacation days do employees get per year?')
    assert.equal(answer.body().data.kind, 'match')
    const [reembed, question] = server.requestsTo('embeddings')
    assert.lengthOf(reembed.body.input, 3)
    assert.deepEqual(question.body.input, ['How many vacation days do employees get per year?'])
    const after = await db.from('noa_knowledge_entries').select('embedder_id')
    assert.isTrue(after.every((row) => row.embedder_id.startsWith('openai:')))
  })

  test('when the embeddings model fails, adding entries answers 502 naming the model, and stores nothing', async ({
    assert,
    client,
  }) => {
    const admin = await createAccount({ role: 'admin' })
    await embeddingsModel(admin.organization.id, server)
    server.setMode('error', 'embeddings')
    const response = await knowledgeApi(client, await apiToken(admin)).store(HANDBOOK)
    response.assertStatus(502)
    assert.equal(
      response.body().errors[0].message,
      'The embeddings model “Fake embeddings” answered HTTP 500: the provider failed. Nothing was stored.'
    )
    assert.lengthOf(await db.from('noa_knowledge_entries'), 0)
  })
})
