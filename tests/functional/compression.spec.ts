import { test } from '@japa/runner'
import { request } from 'node:http'
import { readFile } from 'node:fs/promises'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import app from '@adonisjs/core/services/app'
import { assetUrl } from '#services/assets'

/**
 * Raw bytes and headers, without the decompression fetch does for us.
 */
function rawGet(path: string, acceptEncoding?: string) {
  return new Promise<{ status: number; headers: Record<string, any>; body: Buffer }>(
    (resolve, reject) => {
      const headers: Record<string, string> = { accept: 'text/html' }
      if (acceptEncoding) headers['accept-encoding'] = acceptEncoding
      request({ host: process.env.HOST, port: process.env.PORT, path, headers }, (response) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk) => chunks.push(chunk))
        response.on('end', () =>
          resolve({
            status: response.statusCode!,
            headers: response.headers,
            body: Buffer.concat(chunks),
          })
        )
      })
        .on('error', reject)
        .end()
    }
  )
}

test.group('Compression', () => {
  test('the stylesheet is served pre-compressed with brotli, else gzip, else plain', async ({
    assert,
  }) => {
    const css = await readFile(app.makePath('resources/css/app.css'))
    const url = assetUrl('app.css')

    const brotli = await rawGet(url, 'gzip, deflate, br')
    assert.equal(brotli.headers['content-encoding'], 'br')
    assert.include(brotli.headers['vary'], 'Accept-Encoding')
    assert.isBelow(brotli.body.length, css.length / 3)
    assert.deepEqual(brotliDecompressSync(brotli.body), css)

    const gzip = await rawGet(url, 'gzip')
    assert.equal(gzip.headers['content-encoding'], 'gzip')
    assert.deepEqual(gunzipSync(gzip.body), css)

    const plain = await rawGet(url)
    assert.isUndefined(plain.headers['content-encoding'])
    assert.deepEqual(plain.body, css)
  })

  test('an HTML page over 1 KB is compressed for a client that accepts it', async ({ assert }) => {
    const page = await rawGet('/sign-in', 'gzip')
    assert.equal(page.status, 200)
    assert.equal(page.headers['content-encoding'], 'gzip')
    assert.match(page.headers['content-type'], /^text\/html/)
    assert.include(gunzipSync(page.body).toString(), '<form')

    const refused = await rawGet('/sign-in', 'gzip;q=0, identity')
    assert.isUndefined(refused.headers['content-encoding'])
    assert.include(refused.body.toString(), '<form')
  })

  test('an HTML page is compressed with brotli for a client that prefers it', async ({
    assert,
  }) => {
    const plain = await rawGet('/sign-in')
    const page = await rawGet('/sign-in', 'br, gzip')

    assert.equal(page.headers['content-encoding'], 'br')
    assert.isBelow(page.body.length, plain.body.length / 2)
    assert.include(brotliDecompressSync(page.body).toString(), '<form')
  })
})
