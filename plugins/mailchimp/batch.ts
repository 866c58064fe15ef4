import { Readable } from 'node:stream'
import { createGunzip } from 'node:zlib'
import { extract } from 'tar-stream'
import { withRetries, type MailchimpClient } from './client.js'
import { environment } from './settings.js'

/**
 * Mailchimp's batch operations (POST /batches): many calls in one
 * request, run on Mailchimp's side. The batch is polled (GET
 * /batches/{id}) until "finished", then its results archive
 * (response_body_url: a gzipped tar of JSON files, each a list of
 * { status_code, operation_id, response }) says how each operation went.
 */
export type BatchOperation = {
  method: 'PUT' | 'POST' | 'PATCH' | 'DELETE' | 'GET'
  path: string
  /** the JSON body, as a string (Mailchimp's batch format) */
  body?: string
  operation_id: string
}

export type BatchResult = { operationId: string; statusCode: number; detail: string | null }

const MAX_ARCHIVE_BYTES = 100 * 1024 * 1024
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export async function runBatch(
  client: MailchimpClient,
  operations: BatchOperation[],
  options: { signal?: AbortSignal; timeoutMs?: number } = {}
): Promise<BatchResult[]> {
  const started = await withRetries(() => client.batches.start({ operations }))
  const pollMs = environment.get('MAILCHIMP_BATCH_POLL_MS')
  const deadline = Date.now() + (options.timeoutMs ?? 2 * 60 * 60 * 1000)
  let batch = started
  while (batch.status !== 'finished') {
    if (options.signal?.aborted) throw new Error('The sync was interrupted while a batch ran')
    if (Date.now() > deadline)
      throw new Error(`Mailchimp batch ${started.id} did not finish in time`)
    await sleep(pollMs)
    batch = await withRetries(() => client.batches.status(String(started.id)))
  }
  if (!batch.response_body_url) return []
  return readResults(String(batch.response_body_url))
}

/** the results archive: JSON files of [{ status_code, operation_id, response }] */
async function readResults(url: string): Promise<BatchResult[]> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5 * 60 * 1000) })
  if (!response.ok || !response.body) {
    throw new Error(`The batch results could not be downloaded (HTTP ${response.status})`)
  }
  const length = Number(response.headers.get('content-length') ?? 0)
  if (length > MAX_ARCHIVE_BYTES) throw new Error('The batch results archive is too large')
  const results: BatchResult[] = []
  const tar = extract()
  const done = new Promise<void>((resolve, reject) => {
    tar.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = []
      let size = 0
      stream.on('data', (data: unknown) => {
        const chunk = data as Buffer
        size += chunk.length
        if (size > MAX_ARCHIVE_BYTES) stream.destroy(new Error('A batch results file is too large'))
        else chunks.push(chunk)
      })
      stream.on('error', reject)
      stream.on('end', () => {
        if (header.type === 'file' && header.name.endsWith('.json')) {
          try {
            for (const entry of JSON.parse(Buffer.concat(chunks).toString('utf8'))) {
              results.push({
                operationId: String(entry.operation_id ?? ''),
                statusCode: Number(entry.status_code),
                detail: problemDetail(entry.response),
              })
            }
          } catch (error) {
            return reject(error)
          }
        }
        next()
      })
    })
    tar.on('finish', resolve)
    tar.on('error', reject)
  })
  Readable.fromWeb(response.body as never)
    .pipe(createGunzip())
    .on('error', (error) => tar.destroy(error))
    .pipe(tar)
  await done
  return results
}

/** an operation's problem document, in words ("title: detail") */
function problemDetail(response: unknown): string | null {
  if (typeof response !== 'string' || response === '') return null
  try {
    const body = JSON.parse(response) as { title?: string; detail?: string; status?: number }
    if (!body.title && !body.detail) return null
    return [body.title, body.detail].filter(Boolean).join(': ')
  } catch {
    return null
  }
}
