import { createHash } from 'node:crypto'
import { readFileSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib'
import app from '@adonisjs/core/services/app'

/**
 * Front-end files served from our own origin (never a CDN) under
 * content-hashed URLs such as "/assets/htmx.3f2a9c1d.js", so browsers may
 * cache them for a year and a deploy is picked up at once.
 */
type AssetSource = { file: string; contentType: string }
type LoadedAsset = AssetSource & {
  body: Buffer
  /** The body compressed once, when the file is read (served by Accept-Encoding). */
  brotli: Buffer
  gzip: Buffer
  hash: string
  mtimeMs: number
}

const require = createRequire(import.meta.url)

const sources: Record<string, AssetSource> = {
  'app.css': {
    file: app.makePath('resources/css/app.css'),
    contentType: 'text/css; charset=utf-8',
  },
  'app.js': {
    file: app.makePath('resources/js/app.js'),
    contentType: 'text/javascript; charset=utf-8',
  },
  'htmx.js': {
    file: require.resolve('htmx.org/dist/htmx.min.js'),
    contentType: 'text/javascript; charset=utf-8',
  },
  // htmx's Server-Sent Events extension: the assistant streams replies with it.
  'htmx-sse.js': {
    file: app.makePath('node_modules/htmx-ext-sse/dist/sse.min.js'),
    contentType: 'text/javascript; charset=utf-8',
  },
  'documents.js': {
    file: app.makePath('resources/js/documents.js'),
    contentType: 'text/javascript; charset=utf-8',
  },
  'passkeys.js': {
    file: app.makePath('resources/js/passkeys.js'),
    contentType: 'text/javascript; charset=utf-8',
  },
  // The package exports only its ES module entry, so the browser bundle is
  // addressed by path.
  'webauthn.js': {
    file: app.makePath('node_modules/@simplewebauthn/browser/dist/bundle/index.umd.min.js'),
    contentType: 'text/javascript; charset=utf-8',
  },
}

const loaded = new Map<string, LoadedAsset>()

function load(name: string): LoadedAsset | null {
  const source = sources[name]
  if (!source) return null
  const cached = loaded.get(name)
  /**
   * In production files never change under a running process; elsewhere
   * a stat per lookup lets CSS edits show on reload.
   */
  if (cached && app.inProduction) return cached
  const mtimeMs = statSync(source.file).mtimeMs
  if (cached && cached.mtimeMs === mtimeMs) return cached
  const body = readFileSync(source.file)
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 10)
  const brotli = brotliCompressSync(body, {
    params: { [zlibConstants.BROTLI_PARAM_QUALITY]: zlibConstants.BROTLI_MAX_QUALITY },
  })
  const gzip = gzipSync(body, { level: 9 })
  const asset = { ...source, body, brotli, gzip, hash, mtimeMs }
  loaded.set(name, asset)
  return asset
}

function split(name: string) {
  const dot = name.lastIndexOf('.')
  return { stem: name.slice(0, dot), extension: name.slice(dot + 1) }
}

/**
 * The versioned URL of an asset, for templates: asset('htmx.js').
 */
export function assetUrl(name: string): string {
  const asset = load(name)
  if (!asset) throw new Error(`Unknown asset "${name}"`)
  const { stem, extension } = split(name)
  return `/assets/${stem}.${asset.hash}.${extension}`
}

/**
 * Resolves "/assets/htmx.3f2a9c1d.js" to the asset, telling whether the
 * hash is the current one (only then may the response be immutable).
 */
export function resolveAssetPath(pathname: string) {
  const match = /^\/assets\/([a-z0-9_-]+)\.([a-f0-9]{10})\.([a-z0-9]+)$/.exec(pathname)
  if (!match) return null
  const [, stem, hash, extension] = match
  const asset = load(`${stem}.${extension}`)
  if (!asset) return null
  return { asset, current: asset.hash === hash }
}
