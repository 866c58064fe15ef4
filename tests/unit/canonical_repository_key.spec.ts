import { test } from '@japa/runner'
import { canonicalRepositoryKey, normalisedEmail, normalisedFullName } from '#plugin-sdk/identity'

/**
 * Every provider's spelling of one repository gives one canonical key:
 * that is what lets a reference written by one plugin find the row
 * another plugin wrote.
 */
test.group('Canonical repository keys', () => {
  test('GitHub web, HTTPS clone, SSH and scp-like URLs give one key', ({ assert }) => {
    const spellings = [
      'https://github.com/Acme/API',
      'https://github.com/acme/api.git',
      'http://www.github.com/acme/api/',
      'https://token@github.com/acme/api.git',
      'ssh://git@github.com/acme/api.git',
      'git@github.com:Acme/API.git',
      'https://github.com/acme/api/tree/main/src',
      'github.com/acme/api',
    ]
    for (const spelling of spellings) {
      assert.equal(canonicalRepositoryKey(spelling), 'github.com/acme/api', spelling)
    }
  })

  test("Azure DevOps' spellings give one key without _git", ({ assert }) => {
    const spellings = [
      'https://dev.azure.com/Contoso/Platform/_git/Api',
      'https://contoso@dev.azure.com/contoso/platform/_git/api',
      'git@ssh.dev.azure.com:v3/contoso/platform/api',
      'https://contoso.visualstudio.com/Platform/_git/Api',
    ]
    for (const spelling of spellings) {
      assert.equal(canonicalRepositoryKey(spelling), 'dev.azure.com/contoso/platform/api', spelling)
    }
  })

  test('Bitbucket web and clone URLs give one key', ({ assert }) => {
    assert.equal(
      canonicalRepositoryKey('https://bitbucket.org/acme/web/src/main/README.md'),
      'bitbucket.org/acme/web'
    )
    assert.equal(canonicalRepositoryKey('git@bitbucket.org:acme/web.git'), 'bitbucket.org/acme/web')
  })

  test('text that names no repository has no key', ({ assert }) => {
    for (const text of [
      '',
      '   ',
      'https://github.com/acme',
      'not a url at all',
      null,
      undefined,
    ]) {
      assert.isNull(canonicalRepositoryKey(text), String(text))
    }
  })

  test('full names are compared lower-cased, and need an owner', ({ assert }) => {
    assert.equal(normalisedFullName(' Acme/API '), 'acme/api')
    assert.equal(normalisedFullName('github.com/Acme/API.git'), 'github.com/acme/api')
    assert.isNull(normalisedFullName('api'))
  })

  test("emails match trimmed and lower-cased; GitHub's noreply relay never matches", ({
    assert,
  }) => {
    assert.equal(normalisedEmail(' Ada@Example.ORG '), 'ada@example.org')
    assert.isNull(normalisedEmail('12345+ada@users.noreply.github.com'))
    assert.isNull(normalisedEmail('not an email'))
  })
})
