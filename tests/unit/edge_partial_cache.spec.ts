import { test } from '@japa/runner'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import edge from 'edge.js'

/**
 * start/view.ts works around Edge compiling every @include again on each
 * render. With the template cache on (production), a partial must be
 * compiled once: changing it on disk afterwards must not change the page.
 */
test.group('Edge template cache', (group) => {
  let dir: string
  const cache = edge.asyncCompiler.cacheManager
  const cacheWasEnabled = cache.enabled

  group.each.setup(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sextant-edge-'))
    edge.mount('partialcache', dir)
    cache.enabled = true
    return async () => {
      cache.delete(join(dir, 'page.edge'))
      cache.delete(join(dir, 'part.edge'))
      cache.enabled = cacheWasEnabled
      edge.unmount('partialcache')
      await rm(dir, { recursive: true, force: true })
    }
  })

  test('an @include at the top of a template is compiled once and reused', async ({ assert }) => {
    await writeFile(join(dir, 'page.edge'), "<p>\n@include('partialcache::part')\n</p>")
    await writeFile(join(dir, 'part.edge'), 'first')
    const before = await edge.render('partialcache::page')

    await writeFile(join(dir, 'part.edge'), 'second')
    const after = await edge.render('partialcache::page')

    assert.include(before, 'first')
    assert.equal(after, before)
  })

  test('an @include inside a loop still sees its loop variable', async ({ assert }) => {
    await writeFile(
      join(dir, 'page.edge'),
      "@each(name in names)\n<i>\n@include('partialcache::part')\n</i>\n@end"
    )
    await writeFile(join(dir, 'part.edge'), '{{ name }}')

    const html = await edge.render('partialcache::page', { names: ['ada', 'grace'] })

    assert.equal(html.replace(/\s+/g, ''), '<i>ada</i><i>grace</i>')
  })
})
