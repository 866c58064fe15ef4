import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from '@japa/runner'
import knex, { type Knex } from 'knex'
import db from '@adonisjs/lucid/services/db'
import { totp } from '#services/totp'
import { runAce, startServer, stopServer, waitForOk } from '#tests/helpers/processes'
import { WebClient } from '#tests/helpers/web_client'
import { postMultipart, SAMPLES } from '#tests/helpers/documents'

const DEMO = { email: 'ada@acme.example', password: 'Orbit-Sextant-Launch-2026' }

/**
 * A scratch installation in child processes (its own database, documents
 * and snapshots folders) on the engine the suite runs on, so backing up,
 * wiping and restoring never touches the test server's database.
 */
async function scratchInstallation() {
  const root = await mkdtemp(join(tmpdir(), 'sextant-backup-test-'))
  const engine = db.connection().dialect.name === 'postgres' ? 'postgres' : 'sqlite'
  const env: Record<string, string> = {
    DOCUMENTS_PATH: join(root, 'documents'),
    SNAPSHOTS_PATH: join(root, 'repositories'),
    DRIVE_DISK: 'fs',
    AWS_S3_FORCE_UPLOAD_TO_BUCKET: 'false',
    LOG_LEVEL: 'warn',
  }
  let databaseName = ''
  let admin: Knex | null = null
  if (engine === 'sqlite') {
    env.DB_CONNECTION = 'sqlite'
    env.SQLITE_PATH = join(root, 'sextant.sqlite3')
  } else {
    const url = new URL(process.env.DATABASE_URL!)
    databaseName = `${url.pathname.slice(1)}_backup_${process.pid}`
    const adminUrl = new URL(url)
    adminUrl.pathname = '/postgres'
    admin = knex({ client: 'pg', connection: adminUrl.toString() })
    await admin.raw(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`)
    await admin.raw(`CREATE DATABASE ${databaseName}`)
    const scratch = new URL(url)
    scratch.pathname = `/${databaseName}`
    env.DB_CONNECTION = 'pg'
    env.DATABASE_URL = scratch.toString()
  }
  const connect = () =>
    engine === 'sqlite'
      ? knex({
          client: 'better-sqlite3',
          connection: { filename: env.SQLITE_PATH },
          useNullAsDefault: true,
        })
      : knex({ client: 'pg', connection: env.DATABASE_URL })
  return {
    root,
    env,
    engine,
    /** the row count of every table, straight from the database */
    async counts() {
      const client = connect()
      try {
        const tables: string[] =
          engine === 'sqlite'
            ? (
                await client.raw(
                  "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
                )
              ).map((row: { name: string }) => row.name)
            : (
                await client.raw(
                  "SELECT tablename AS name FROM pg_tables WHERE schemaname='public'"
                )
              ).rows.map((row: { name: string }) => row.name)
        const counts: Record<string, number> = {}
        for (const table of tables.sort()) {
          const [row] = await client(table).count('* as total')
          counts[table] = Number(row.total)
        }
        return counts
      } finally {
        await client.destroy()
      }
    },
    /** the database and the local folders gone, as after losing the machine */
    async wipe() {
      await rm(env.DOCUMENTS_PATH, { recursive: true, force: true })
      if (engine === 'sqlite') {
        for (const suffix of ['', '-wal', '-shm'])
          await rm(`${env.SQLITE_PATH}${suffix}`, { force: true })
      } else {
        await admin!.raw(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`)
        await admin!.raw(`CREATE DATABASE ${databaseName}`)
      }
    },
    async dispose() {
      if (admin) {
        await admin.raw(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`)
        await admin.destroy()
      }
      await rm(root, { recursive: true, force: true })
    },
  }
}

async function ace(args: string[], env: Record<string, string>) {
  const result = await runAce(args, env, 180_000)
  if (result.code !== 0)
    throw new Error(
      `ace ${args.join(' ')} exited ${result.code}\n${result.stdout}\n${result.stderr}`
    )
  return result
}

async function startScratchServer(env: Record<string, string>) {
  const server = await startServer(env)
  await waitForOk(`http://127.0.0.1:${server.port}/health`)
  return server
}

test.group('Backups | db:backup and db:restore', () => {
  test('backup → wipe → restore: the same rows in every table, the document byte-identical, the demo user signs in with its TOTP', async ({
    assert,
  }) => {
    const installation = await scratchInstallation()
    try {
      await ace(['migration:run', '--force'], installation.env)
      await ace(['populate:dev-data'], installation.env)

      // the demo user enrols an authenticator and uploads a document
      let server = await startScratchServer(installation.env)
      let secret = ''
      const original = SAMPLES.pdf('Business continuity plan, restored byte for byte')
      try {
        const web = new WebClient(`http://127.0.0.1:${server.port}`)
        const first = await web.submitPassword(DEMO.email, DEMO.password)
        assert.equal(first.location, '/mfa/setup')
        const setup = await web.get('/mfa/setup')
        secret = /data-secret="([A-Z2-7]+)"/.exec(setup.text)![1]
        const enrolled = await web.post('/mfa/setup', { code: totp.codeAt(secret, Date.now()) })
        assert.equal(enrolled.status, 302)
        await web.get('/documents')
        const uploaded = await postMultipart(web, '/documents', { category: 'policy' }, [
          { field: 'files', file: { name: 'continuity.pdf', content: original } },
        ])
        assert.include([200, 302, 303], uploaded.status)
      } finally {
        await stopServer(server)
      }

      const backupsFolder = join(installation.root, 'backups')
      const backup = await ace(['db:backup', '--to', backupsFolder], installation.env)
      assert.include(backup.stdout, 'Backup written to')
      const [name] = await readdir(backupsFolder)
      const manifest = JSON.parse(
        await readFile(join(backupsFolder, name, 'manifest.json'), 'utf8')
      )
      const before = await installation.counts()
      assert.deepEqual(manifest.tables, before)
      assert.isAbove(before.users, 0)
      assert.equal(before.documents, 1)

      await installation.wipe()
      const restored = await ace(['db:restore', join(backupsFolder, name)], installation.env)
      assert.include(restored.stdout, 'match it')
      assert.deepEqual(await installation.counts(), before)

      server = await startScratchServer(installation.env)
      try {
        const web = new WebClient(`http://127.0.0.1:${server.port}`)
        // a code of the next step: the enrolment spent the current one
        await web.signIn(DEMO.email, DEMO.password, secret, Date.now() + 30_000)
        const list = await web.get('/documents')
        const documentPath = /href="(\/documents\/[A-Za-z0-9]+)"/.exec(list.text)![1]
        const page = await web.get(documentPath)
        const fileLink = /href="([^"]*\/file\?[^"]*disposition=attachment[^"]*)"/.exec(
          page.text
        )![1]
        const download = await fetch(new URL(fileLink.replace(/&amp;/g, '&'), web.baseUrl), {
          headers: { cookie: web.cookieHeader() },
        })
        assert.equal(download.status, 200)
        assert.isTrue(Buffer.from(await download.arrayBuffer()).equals(original))
      } finally {
        await stopServer(server)
      }
    } finally {
      await installation.dispose()
    }
  }).timeout(300_000)

  test('a database holding data is refused without --force, in one line; --keep prunes older backups', async ({
    assert,
  }) => {
    const installation = await scratchInstallation()
    try {
      await ace(['migration:run', '--force'], installation.env)
      await ace(
        ['create:superuser', '--email', 'admin@example.org', '--password-env', 'ADMIN_PASSWORD'],
        { ...installation.env, ADMIN_PASSWORD: 'Harbour-Lantern-Quartz-58' }
      )
      const backupsFolder = join(installation.root, 'backups')
      await ace(['db:backup', '--to', backupsFolder], installation.env)
      await new Promise((resolve) => setTimeout(resolve, 1100))
      await ace(['db:backup', '--to', backupsFolder, '--keep', '1'], installation.env)
      const names = await readdir(backupsFolder)
      assert.lengthOf(names, 1)

      const refused = await runAce(['db:restore', join(backupsFolder, names[0])], installation.env)
      assert.equal(refused.code, 1)
      const lines = `${refused.stdout}${refused.stderr}`.trim().split('\n')
      assert.lengthOf(lines, 1, lines.join('\n'))
      assert.include(lines[0], '--force')

      const forced = await ace(
        ['db:restore', join(backupsFolder, names[0]), '--force'],
        installation.env
      )
      assert.include(forced.stdout, 'match it')
    } finally {
      await installation.dispose()
    }
  }).timeout(300_000)
})
