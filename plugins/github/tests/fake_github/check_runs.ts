import { failure, invalid, json, notFound, type RepoContext, type Reply } from './http.js'
import { checkRunShape } from './shapes_delivery.js'
import { iso, nextId, tick, type FakeCheckRun } from './state.js'

/**
 * POST and PATCH /repos/{owner}/{repo}/check-runs, validated the way
 * GitHub documents: a conclusion is required once the status is
 * "completed" (and giving one completes the run), an output needs a
 * title and a summary, and its texts are capped at 65535 characters.
 */
const DOCS = 'https://docs.github.com/rest/checks/runs#create-a-check-run'
const STATUSES = ['queued', 'in_progress', 'completed', 'waiting', 'requested', 'pending']
const CONCLUSIONS = [
  'action_required',
  'cancelled',
  'failure',
  'neutral',
  'success',
  'skipped',
  'stale',
  'timed_out',
]
const MAX_OUTPUT_CHARACTERS = 65_535

type FieldError = { resource: 'CheckRun'; code: string; field: string; message?: string }

function missing(field: string): FieldError {
  return { resource: 'CheckRun', code: 'missing_field', field }
}

function wrong(field: string, message?: string): FieldError {
  return {
    resource: 'CheckRun',
    code: message ? 'custom' : 'invalid',
    field,
    ...(message ? { message } : {}),
  }
}

function validateOutput(output: unknown, errors: FieldError[]) {
  if (output === undefined) return
  if (!output || typeof output !== 'object') return void errors.push(wrong('output'))
  const { title, summary, text } = output as Record<string, unknown>
  if (typeof title !== 'string') errors.push(missing('output.title'))
  if (typeof summary !== 'string') errors.push(missing('output.summary'))
  for (const [field, value] of [
    ['summary', summary],
    ['text', text],
  ] as const) {
    if (typeof value === 'string' && value.length > MAX_OUTPUT_CHARACTERS) {
      errors.push(
        wrong(
          `output.${field}`,
          `output.${field} is too long (maximum is ${MAX_OUTPUT_CHARACTERS} characters)`
        )
      )
    }
  }
}

/** fields both writes accept; returns the errors GitHub would list */
function validateCommon(body: Record<string, unknown>, errors: FieldError[]) {
  if (body.status !== undefined && !STATUSES.includes(body.status as string))
    errors.push(wrong('status'))
  if (
    body.conclusion !== undefined &&
    body.conclusion !== null &&
    !CONCLUSIONS.includes(body.conclusion as string)
  ) {
    errors.push(wrong('conclusion'))
  }
  validateOutput(body.output, errors)
}

/** the injected 502s (faults.checkRunFailures) */
function injectedFailure(context: RepoContext): Reply | null {
  const { faults } = context.state
  if (!faults.checkRunFailures || faults.checkRunFailures <= 0) return null
  faults.checkRunFailures -= 1
  return failure(502, 'Server Error')
}

function pickOutput(output: unknown): FakeCheckRun['output'] {
  if (!output || typeof output !== 'object') return null
  const { title, summary, text } = output as Record<string, string | undefined>
  return { title, summary, ...(text === undefined ? {} : { text }) }
}

export function createCheckRun(context: RepoContext): Reply {
  const injected = injectedFailure(context)
  if (injected) return injected
  const { body, state, repository } = context
  const errors: FieldError[] = []
  if (typeof body.name !== 'string' || body.name === '') errors.push(missing('name'))
  if (typeof body.head_sha !== 'string' || body.head_sha === '') errors.push(missing('head_sha'))
  validateCommon(body, errors)
  const conclusion = (body.conclusion as string | undefined) ?? null
  const status = conclusion ? 'completed' : ((body.status as string | undefined) ?? 'queued')
  if (status === 'completed' && !conclusion) errors.push(missing('conclusion'))
  if (errors.length > 0) return invalid('Invalid request.', errors, DOCS)
  if (!/^[0-9a-f]{40}$/i.test(body.head_sha as string)) {
    return failure(422, `No commit found for SHA: ${body.head_sha}`, DOCS)
  }

  const now = iso(tick(state))
  const run: FakeCheckRun = {
    id: nextId(state, 'checkRun'),
    repo: repository.fullName,
    name: body.name as string,
    head_sha: body.head_sha as string,
    status,
    conclusion,
    output: pickOutput(body.output),
    history: [{ status, conclusion }],
    started_at: (body.started_at as string | undefined) ?? now,
    completed_at:
      status === 'completed' ? ((body.completed_at as string | undefined) ?? now) : null,
    external_id: (body.external_id as string | undefined) ?? null,
    details_url: (body.details_url as string | undefined) ?? null,
  }
  state.checkRuns.push(run)
  return json(checkRunShape(context.base, state, run), 201)
}

function findRun(context: RepoContext) {
  const id = Number(context.params[2])
  return context.state.checkRuns.find(
    (run) => run.id === id && run.repo === context.repository.fullName
  )
}

export function updateCheckRun(context: RepoContext): Reply {
  const run = findRun(context)
  if (!run) return notFound()
  const injected = injectedFailure(context)
  if (injected) return injected
  const { body, state } = context
  const errors: FieldError[] = []
  if (body.name !== undefined && (typeof body.name !== 'string' || body.name === ''))
    errors.push(wrong('name'))
  validateCommon(body, errors)
  const conclusion =
    (body.conclusion as string | undefined) ?? (body.status === undefined ? run.conclusion : null)
  const status = body.conclusion ? 'completed' : ((body.status as string | undefined) ?? run.status)
  if (status === 'completed' && !conclusion) errors.push(missing('conclusion'))
  if (errors.length > 0)
    return invalid(
      'Invalid request.',
      errors,
      'https://docs.github.com/rest/checks/runs#update-a-check-run'
    )

  const now = iso(tick(state))
  if (typeof body.name === 'string') run.name = body.name
  if (body.output !== undefined) run.output = pickOutput(body.output)
  if (typeof body.external_id === 'string') run.external_id = body.external_id
  if (typeof body.details_url === 'string') run.details_url = body.details_url
  if (typeof body.started_at === 'string') run.started_at = body.started_at
  if (status === 'completed' && run.status !== 'completed') {
    run.completed_at = (body.completed_at as string | undefined) ?? now
  }
  run.status = status
  run.conclusion = status === 'completed' ? conclusion : null
  run.history.push({ status: run.status, conclusion: run.conclusion })
  return json(checkRunShape(context.base, state, run))
}

export function getCheckRun(context: RepoContext): Reply {
  const run = findRun(context)
  if (!run) return notFound()
  return json(checkRunShape(context.base, context.state, run))
}
