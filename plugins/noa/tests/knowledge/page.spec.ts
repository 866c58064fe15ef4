import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { createAccount } from '#tests/helpers/accounts'
import { resetDatabase } from '#tests/helpers/database'
import { WebClient } from '#tests/helpers/web_client'
import AddKnowledge from '../../knowledge/actions/add_knowledge.js'
import { ConsultKnowledge } from '../../knowledge/consult.js'
import KnowledgeEntry from '../../knowledge/knowledge_entry.js'
import { HANDBOOK } from './helpers.js'

const PAGE = '/assistant/knowledge'
const HTMX = { 'hx-request': 'true' }
/** a browser sends it on a same-origin form post: a refused form is redirected back to it */
const FROM_PAGE = { headers: { referer: `http://${process.env.HOST}:${process.env.PORT}${PAGE}` } }

async function signedIn(role: 'admin' | 'member' | 'viewer' = 'admin') {
  const account = await createAccount({ role })
  const web = new WebClient()
  await web.signIn(account.email, account.password, account.totpSecret!)
  return { account, web }
}

function addHandbook(organizationId: number) {
  return new AddKnowledge().execute({
    organizationId,
    documentTitle: HANDBOOK.document_title,
    pairs: HANDBOOK.question_answer_data,
  })
}

test.group('Knowledge base page', (group) => {
  group.each.setup(resetDatabase())

  test('an admin adds a document with its pairs; blank rows are ignored', async ({ assert }) => {
    const { web, account } = await signedIn()
    await web.get(PAGE)
    const saved = await web.post(`${PAGE}/documents`, {
      'document_title': 'Office guide',
      'question_answer_data[0][question]': 'Where can I park?',
      'question_answer_data[0][answer]': 'In the basement, level -2.',
      'question_answer_data[1][question]': '',
      'question_answer_data[1][answer]': '',
      'question_answer_data[2][question]': 'When is the office open?',
      'question_answer_data[2][answer]': 'From 8:00 to 19:00 on weekdays.',
    })
    assert.equal(saved.location, PAGE)
    const page = await web.get(PAGE)
    assert.include(page.text, 'Added 2 questions to “Office guide”.')
    assert.include(page.text, 'data-document="Office guide"')
    assert.include(page.text, 'When is the office open?')
    const rows = await KnowledgeEntry.query().where('organization_id', account.organization.id)
    assert.deepEqual(
      rows.map((row) => row.question),
      ['Where can I park?', 'When is the office open?']
    )
  })

  test('a form with more rows than the limit is refused whole, with the reason on the form', async ({
    assert,
  }) => {
    const { web, account } = await signedIn()
    await web.get(PAGE)
    const fields: Record<string, string> = { document_title: 'Too long' }
    for (let index = 0; index < 60; index++) {
      fields[`question_answer_data[${index}][question]`] = `Question ${index}?`
      fields[`question_answer_data[${index}][answer]`] = `Answer ${index}.`
    }
    const refused = await web.post(`${PAGE}/documents`, fields)
    assert.equal(refused.status, 422)
    assert.include(refused.text, 'At most 50 questions can be added at a time; this form has 60.')
    assert.include(refused.text, 'Question 59?')
    const rows = await KnowledgeEntry.query().where('organization_id', account.organization.id)
    assert.lengthOf(rows, 0)
  })

  test('"Add a row" gives the form back with one more row and the typed values, storing nothing', async ({
    assert,
  }) => {
    const { web } = await signedIn()
    await web.get(PAGE)
    const page = await web.post(`${PAGE}/documents`, {
      'intent': 'add_row',
      'document_title': 'Office guide',
      'question_answer_data[0][question]': 'Where can I park?',
      'question_answer_data[0][answer]': 'Level -2.',
    })
    assert.equal(page.status, 200)
    assert.include(page.text, 'value="Office guide"')
    assert.include(page.text, '>Where can I park?</textarea>')
    assert.include(page.text, 'name="question_answer_data[1][question]"')
    assert.notInclude(page.text, 'name="question_answer_data[2][question]"')
    assert.lengthOf(await db.from('noa_knowledge_entries'), 0)
  })

  test('a question without an answer comes back with the error under its row and the typed text', async ({
    assert,
  }) => {
    const { web } = await signedIn()
    await web.get(PAGE)
    const refused = await web.post(
      `${PAGE}/documents`,
      {
        'document_title': 'Office guide',
        'question_answer_data[0][question]': 'Where can I park?',
        'question_answer_data[0][answer]': '',
      },
      FROM_PAGE
    )
    assert.equal(refused.status, 302)
    const page = await web.get(refused.location!)
    assert.include(page.text, '>Where can I park?</textarea>')
    assert.match(page.text, /question_answer_data\[0\]\[answer\][\s\S]*?field-error">[^<]*answer/)
    assert.lengthOf(await db.from('noa_knowledge_entries'), 0)
  })

  test('the page shows the assistant sub-navigation with the knowledge base current', async ({
    assert,
  }) => {
    const { web } = await signedIn('member')

    const page = await web.get(PAGE)

    assert.include(page.text, '<nav class="tabs" aria-label="Assistant">')
    assert.match(
      page.text,
      /<a href="\/assistant\/knowledge" class="is-active">Knowledge base<\/a>/
    )
    assert.match(page.text, /<a href="\/assistant\/models" class="">AI models<\/a>/)
  })

  test('the page groups entries by document and searches them; htmx gets the list alone', async ({
    assert,
  }) => {
    const { web, account } = await signedIn('viewer')
    await addHandbook(account.organization.id)
    await new AddKnowledge().execute({
      organizationId: account.organization.id,
      documentTitle: 'Office guide',
      pairs: [{ question: 'Where can I park?', answer: 'Level -2.' }],
    })
    const page = await web.get(PAGE)
    assert.include(page.text, 'data-document="Employee handbook"')
    assert.include(page.text, 'data-document="Office guide"')
    assert.notInclude(page.text, 'Add a document')
    assert.notInclude(page.text, 'Save settings')

    const list = await web.get(`${PAGE}?search=park`, { ...HTMX, 'hx-target': 'knowledge-list' })
    assert.match(list.text, /^<div id="knowledge-list">/)
    assert.include(list.text, 'Where can I park?')
    assert.notInclude(list.text, 'vacation')
    assert.include(list.headers.get('vary') ?? '', 'HX-Request')
  })

  test('trying a question shows the verdict in place under htmx, and on the page without it', async ({
    assert,
  }) => {
    const { web, account } = await signedIn('member')
    await addHandbook(account.organization.id)
    await web.get(PAGE)
    const partial = await web.post(
      `${PAGE}/try`,
      { question: 'Can I get a laptop fixed?' },
      {
        headers: HTMX,
      }
    )
    assert.match(partial.text, /^\s*<div id="knowledge-verdict"/)
    assert.notInclude(partial.text, '<!DOCTYPE html>')
    assert.include(partial.text, 'data-verdict=')
    const whole = await web.post(`${PAGE}/try`, {
      question: 'How much paid leave do I get each year?',
    })
    assert.include(whole.text, '<h1>Knowledge base</h1>')
    assert.include(whole.text, 'data-verdict="match"')
    assert.include(whole.text, HANDBOOK.question_answer_data[0].answer)
  })

  test('an admin saves blocked topics and strict mode, and the verdicts follow them', async ({
    assert,
  }) => {
    const { web, account } = await signedIn()
    await addHandbook(account.organization.id)
    const consult = (question: string) =>
      new ConsultKnowledge().execute({ organizationId: account.organization.id, question })
    assert.deepInclude(await consult('What is the capital of France?'), { kind: 'no_match' })

    await web.get(PAGE)
    const saved = await web.post(`${PAGE}/settings`, {
      similarity_threshold: '0.65',
      top_k: '3',
      max_question_length: '500',
      blocked_topics: 'Salary\nstock options, salary',
      strict_mode: 'true',
    })
    assert.equal(saved.location, PAGE)
    const page = await web.get(PAGE)
    assert.include(page.text, 'Knowledge base settings saved.')
    assert.include(page.text, '>salary\nstock options</textarea>')
    assert.match(page.text, /name="similarity_threshold"[^>]*value="0.65"/)

    assert.deepInclude(await consult('What are the salary bands?'), {
      kind: 'refused',
      reason: 'blocked_topic',
    })
    assert.deepInclude(await consult('What is the capital of France?'), {
      kind: 'no_match',
      strict: true,
    })
    assert.deepInclude(await consult('x'.repeat(501)), { kind: 'refused' })
  })

  test('a threshold outside 0–1 is refused with the error on the field', async ({ assert }) => {
    const { web } = await signedIn()
    await web.get(PAGE)
    const refused = await web.post(
      `${PAGE}/settings`,
      {
        similarity_threshold: '1.5',
        top_k: '3',
        max_question_length: '500',
      },
      FROM_PAGE
    )
    const page = await web.get(refused.location!)
    assert.match(page.text, /name="similarity_threshold"[\s\S]*?field-error/)
    assert.lengthOf(await db.from('noa_knowledge_settings'), 0)
  })

  test('a member who does not manage integrations cannot change entries or settings', async ({
    assert,
  }) => {
    const { web, account } = await signedIn('member')
    const [entry] = await addHandbook(account.organization.id)
    await web.get(PAGE)
    const settings = await web.post(`${PAGE}/settings`, {
      similarity_threshold: '0.5',
      top_k: '3',
      max_question_length: '500',
    })
    assert.equal(settings.status, 403)
    const deletion = await web.post(`${PAGE}/entries/${entry.publicId}/delete`)
    assert.equal(deletion.status, 403)
    assert.lengthOf(await db.from('noa_knowledge_entries'), 3)
  })

  test('an admin deletes one entry, then a whole document', async ({ assert }) => {
    const { web, account } = await signedIn()
    const [entry] = await addHandbook(account.organization.id)
    await web.get(PAGE)
    const one = await web.post(`${PAGE}/entries/${entry.publicId}/delete`)
    assert.equal(one.location, PAGE)
    assert.lengthOf(await db.from('noa_knowledge_entries'), 2)
    await web.get(PAGE)
    const all = await web.post(`${PAGE}/documents/delete`, { document_title: 'Employee handbook' })
    assert.equal(all.location, PAGE)
    const after = await web.get(PAGE)
    assert.include(after.text, 'Deleted “Employee handbook” (2 questions).')
    assert.lengthOf(await db.from('noa_knowledge_entries'), 0)
  })

  test("another organisation's entry cannot be deleted from the page", async ({ assert }) => {
    const other = await createAccount({ role: 'admin' })
    const [entry] = await addHandbook(other.organization.id)
    const { web } = await signedIn()
    await web.get(PAGE)
    const response = await web.post(`${PAGE}/entries/${entry.publicId}/delete`)
    assert.equal(response.status, 404)
    const documentDeletion = await web.post(`${PAGE}/documents/delete`, {
      document_title: 'Employee handbook',
    })
    assert.equal(documentDeletion.status, 404)
    assert.lengthOf(await db.from('noa_knowledge_entries'), 3)
  })
})
