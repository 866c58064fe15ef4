import { isAbsolute, join } from 'node:path'
import { Readable } from 'node:stream'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import env from '#start/env'
import { sqlTime } from '#services/sql'
import { publicIds } from '#services/public_id'
import { extractArchive } from '#services/archives/safe_extract'
import type { SnapshotOptions, SnapshotReport } from '#plugin-sdk/domain'

/**
 * Where repository snapshots live: SNAPSHOTS_PATH (absolute, or relative
 * to the app root), by default storage/repositories.
 */
export function snapshotsRoot() {
  const configured = env.get('SNAPSHOTS_PATH')
  if (!configured) return app.makePath('storage', 'repositories')
  return isAbsolute(configured) ? configured : app.makePath(configured)
}

/**
 * One folder per organisation and repository, both named by public id:
 * nothing a provider sends (a repository name with dots or slashes)
 * ever becomes part of the path.
 */
export function snapshotDirectory(organizationId: number, repositoryId: number) {
  return join(
    snapshotsRoot(),
    publicIds('organization').encode(organizationId),
    publicIds('repository').encode(repositoryId)
  )
}

/**
 * Unpacks a repository archive (tar.gz, or zip as the plugin declares)
 * over its previous snapshot (the extractor swaps folders only once the
 * whole archive is read) and records the commit and size on the
 * repository row.
 */
export async function replaceSnapshot(
  repository: { id: number; organizationId: number },
  archive: NodeJS.ReadableStream | AsyncIterable<Buffer>,
  options: SnapshotOptions
): Promise<SnapshotReport> {
  const source =
    archive instanceof Readable ? archive : Readable.from(archive as AsyncIterable<Buffer>)
  const report = await extractArchive(
    source,
    snapshotDirectory(repository.organizationId, repository.id),
    {
      format: options.format ?? 'tar.gz',
      stripComponents: options.stripComponents ?? 0,
      limits: options.limits,
      signal: options.signal,
      onProgress: options.onProgress,
    }
  )
  await db.from('repositories').where('id', repository.id).update({
    last_commit_sha: options.sha,
    snapshot_at: sqlTime(),
    snapshot_files: report.files,
    snapshot_bytes: report.bytes,
    updated_at: sqlTime(),
  })
  return {
    sha: options.sha,
    files: report.files,
    bytes: report.bytes,
    skipped: report.skipped,
    skippedCount: report.skippedCount,
  }
}
