import { test } from '@japa/runner'
import { renderStub, variantFlags } from '#services/plugins/scaffold'

/**
 * The templates make:plugin fills: blocks kept per variant, whole files
 * left out, and stub bugs refused loudly instead of leaking into a plugin.
 */
const names = { id: 'acme', name: 'Acme', className: 'Acme', envPrefix: 'ACME' }
const codeToken = { kind: 'code', auth: 'token' } as const

test.group('make:plugin templates', () => {
  test('keeps the blocks whose condition the variant sets, else their %%else%%', ({ assert }) => {
    const template = [
      'start %%name%%',
      '%%if oauth2%%',
      'oauth',
      '%%else%%',
      'token',
      '%%endif%%',
      '%%if issues|code%%',
      'tracked',
      '%%if !webhooks%%',
      'never',
      '%%endif%%',
      '%%endif%%',
    ].join('\n')
    assert.equal(renderStub(template, names, codeToken, 'x.stub'), 'start Acme\ntoken\ntracked')
    assert.equal(
      renderStub(template, names, { kind: 'marketing', auth: 'oauth2' }, 'x.stub'),
      'start Acme\noauth'
    )
  })

  test('a %%file%% first line leaves the whole stub out for other variants', ({ assert }) => {
    const template = '%%file security%%\nexport const kind = "security"'
    assert.isNull(renderStub(template, names, codeToken, 'x.stub'))
    assert.equal(
      renderStub(template, names, { kind: 'security', auth: 'token' }, 'x.stub'),
      'export const kind = "security"'
    )
  })

  test('a plugin with no connection has no auth flags', ({ assert }) => {
    assert.sameMembers([...variantFlags({ kind: 'none', auth: null })], ['none'])
    assert.sameMembers(
      [...variantFlags({ kind: 'code', auth: 'oauth2' })],
      ['code', 'connected', 'oauth2', 'webhooks']
    )
  })

  test('an unknown placeholder or an unbalanced block is a stub bug, named', ({ assert }) => {
    assert.throws(
      () => renderStub('%%nope%%', names, codeToken, 'a.stub'),
      /a.stub uses an unknown placeholder %%nope%%/
    )
    assert.throws(
      () => renderStub('%%if code%%\nx', names, codeToken, 'b.stub'),
      /b.stub: a %%if%% block is not closed/
    )
    assert.throws(
      () => renderStub('x\n%%endif%%', names, codeToken, 'c.stub'),
      /c.stub:2: %%endif%% outside a block/
    )
  })
})
