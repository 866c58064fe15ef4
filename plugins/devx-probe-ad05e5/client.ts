import type { HttpClient, HttpResponse } from '#plugin-sdk'

/**
 * One repository as the Devx Probe Ad05e5 API returns it.
 * CHANGE: describe your API's JSON; only the fields you map are needed.
 */
export type DevxProbeAd05e5Repository = {
  id: number | string
  name: string
  full_name: string
  html_url: string | null
  default_branch: string | null
  private: boolean
  archived: boolean
  language: string | null
  /** ISO 8601; the incremental sync compares against it */
  updated_at: string
}

/**
 * A small typed client for the Devx Probe Ad05e5 API over the platform's
 * HttpClient, which brings authentication (the plugin's requestHeaders),
 * retries with backoff, rate-limit waits, the conditional (ETag) cache
 * and secret redaction; this class only knows paths and shapes.
 *
 * A sync hands it the run's client (context.http), so every request
 * counts toward the run, honours its budget and stops when the run is
 * cancelled; elsewhere use `await connection.client()`.
 */
export class DevxProbeAd05e5Client {
  constructor(readonly http: HttpClient) {}

  /**
   * CHANGE: a cheap authenticated call of your API ("/user", "/me").
   * Never answered from the cache: a connect test must reach the provider.
   */
  ping(): Promise<HttpResponse<unknown>> {
    return this.http.get('/', { conditional: false })
  }

  /**
   * Every repository, most recently updated first, one page per step,
   * following the Link rel="next" header.
   * CHANGE: your API's path and query; if it paginates without Link
   * headers, loop over a page/offset parameter here instead.
   */
  repositoriesByUpdatedDesc(): AsyncGenerator<HttpResponse<DevxProbeAd05e5Repository[]>> {
    return this.http.paginate<DevxProbeAd05e5Repository[]>('/repositories', {
      query: { sort: 'updated', direction: 'desc', per_page: 100 },
    })
  }
}
