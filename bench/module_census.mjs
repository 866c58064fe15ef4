/**
 * A preload that counts the modules a process loads, by package: every ES
 * module and CommonJS file passes through a `module.registerHooks` load
 * hook. The census is rewritten to MODULE_CENSUS_FILE (JSON: total, then
 * packages by file count) every second, so it can be read while the
 * process idles:
 *
 *   MODULE_CENSUS_FILE=tmp/census.json node --import ./bench/module_census.mjs build/bin/server.js
 *
 * docs/performance.md ("Memory at boot") reads its figures from this.
 */
import { registerHooks } from 'node:module'
import { writeFileSync } from 'node:fs'

const file = process.env.MODULE_CENSUS_FILE
const loaded = new Set()
if (file) {
  registerHooks({
    load(url, context, nextLoad) {
      loaded.add(url)
      return nextLoad(url, context)
    },
  })
  const packageOf = (url) => {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
    if (match) return match[1]
    return url.startsWith('node:') ? 'node:' : '(application)'
  }
  let written = 0
  setInterval(() => {
    if (loaded.size === written) return
    written = loaded.size
    const packages = {}
    for (const url of loaded) packages[packageOf(url)] = (packages[packageOf(url)] ?? 0) + 1
    const sorted = Object.fromEntries(Object.entries(packages).sort((a, b) => b[1] - a[1]))
    writeFileSync(file, JSON.stringify({ total: loaded.size, packages: sorted }, null, 1))
  }, 1000).unref()
}
