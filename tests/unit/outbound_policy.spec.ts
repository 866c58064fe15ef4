import { test } from '@japa/runner'
import { runAce } from '#tests/helpers/processes'
import {
  allowListProblem,
  classifyAddress,
  OutboundAllowList,
  OutboundPolicy,
  OutboundRequestRefused,
} from '#services/http/outbound_policy'

const policy = (allowed = '') => new OutboundPolicy(new OutboundAllowList(allowed))

function refusalOf(run: () => unknown) {
  try {
    run()
  } catch (error) {
    return error
  }
  return null
}

test.group('Outbound policy | the address classifier', () => {
  const cases: Array<[string, string]> = [
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.10', 'private'],
    ['fec0::1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['169.254.0.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.127.255.254', 'carrier-grade NAT'],
    ['fc00::1', 'unique-local'],
    ['fd00:ec2::254', 'unique-local'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['2001:db8::1', 'reserved'],
    ['8.8.8.8', 'public'],
    ['1.1.1.1', 'public'],
    ['172.32.0.1', 'public'],
    ['100.128.0.1', 'public'],
    ['2606:4700:4700::1111', 'public'],
  ]
  for (const [address, kind] of cases) {
    test(`${address} is ${kind}`, ({ assert }) => {
      assert.equal(classifyAddress(address).kind, kind)
    })
  }

  test('IPv6 forms that carry an IPv4 address are judged by that address', ({ assert }) => {
    const forms: Array<[string, string, string]> = [
      ['::ffff:127.0.0.1', 'loopback', '127.0.0.1'],
      ['::ffff:7f00:1', 'loopback', '127.0.0.1'],
      ['::ffff:169.254.169.254', 'link-local', '169.254.169.254'],
      ['::ffff:0:10.0.0.1', 'private', '10.0.0.1'],
      ['::127.0.0.1', 'loopback', '127.0.0.1'],
      ['64:ff9b::10.1.2.3', 'private', '10.1.2.3'],
      ['2002:7f00:1::', 'loopback', '127.0.0.1'],
      ['::ffff:8.8.8.8', 'public', '8.8.8.8'],
    ]
    for (const [address, kind, inner] of forms) {
      assert.deepEqual(classifyAddress(address), { kind, embeddedIpv4: inner } as never, address)
    }
  })

  test('refuses to classify what is not an address', ({ assert }) => {
    assert.throws(() => classifyAddress('example.org'), /not an IP address/)
  })
})

test.group('Outbound policy | URLs', () => {
  test('only http and https are allowed', ({ assert }) => {
    for (const url of ['ftp://example.org/', 'file:///etc/passwd', 'gopher://example.org:70/']) {
      assert.throws(() => policy().checkUrl(url), /URLs are not allowed \(only http and https\)/)
      assert.isTrue(refusalOf(() => policy().checkUrl(url)) instanceof OutboundRequestRefused)
    }
    assert.equal(policy().checkUrl('https://api.openai.com/v1').hostname, 'api.openai.com')
  })

  test('decimal, octal and hex spellings of 127.0.0.1 are read as browsers do and refused', ({
    assert,
  }) => {
    for (const url of [
      'http://2130706433/',
      'http://0x7f000001/',
      'http://0177.0.0.1/',
      'http://0x7f.1/',
      'http://127.1/',
      'http://[::ffff:127.0.0.1]/',
      'http://[::1]:8080/',
      'http://169.254.169.254/latest/meta-data/',
      'http://0/',
    ]) {
      assert.throws(() => policy().checkUrl(url), /refused by the outbound policy/, url)
    }
  })

  test('the refusal names the address and its kind', ({ assert }) => {
    assert.throws(
      () => policy().checkUrl('http://127.0.0.1:4499/v1'),
      'refused by the outbound policy: 127.0.0.1 is a loopback address'
    )
    assert.throws(
      () => policy().checkAddress('models.example.test', '10.0.0.7'),
      'refused by the outbound policy: models.example.test resolves to 10.0.0.7, which is a private address'
    )
    assert.throws(
      () => policy().checkUrl('http://[::ffff:a9fe:a9fe]/'),
      /::ffff:a9fe:a9fe is a link-local address .* \(IPv4 169\.254\.169\.254 in IPv6 form\)/
    )
  })

  test('host names pass the URL check and are judged by their addresses', ({ assert }) => {
    assert.equal(policy().checkUrl('http://localhost:3000/').hostname, 'localhost')
    assert.throws(() => policy().checkAddress('localhost', '127.0.0.1'), /loopback/)
    assert.doesNotThrow(() => policy().checkAddress('example.org', '93.184.215.14'))
  })
})

test.group('Outbound policy | OUTBOUND_ALLOWED_HOSTS', () => {
  test('an exact address allows that address, in its IPv6 forms too', ({ assert }) => {
    const allowed = policy('127.0.0.1')
    assert.doesNotThrow(() => allowed.checkUrl('http://127.0.0.1:11434/v1'))
    assert.doesNotThrow(() => allowed.checkUrl('http://[::ffff:127.0.0.1]/'))
    assert.throws(() => allowed.checkUrl('http://127.0.0.2/'), /loopback/)
    assert.throws(() => allowed.checkUrl('http://[::1]/'), /loopback/)
  })

  test('a CIDR range allows the addresses inside it', ({ assert }) => {
    const allowed = policy('10.0.5.0/24, fd00::/8')
    assert.doesNotThrow(() => allowed.checkAddress('ollama.internal', '10.0.5.20'))
    assert.doesNotThrow(() => allowed.checkAddress('ollama.internal', 'fd12::1'))
    assert.throws(() => allowed.checkAddress('ollama.internal', '10.0.6.20'), /private/)
  })

  test('a host name allows whatever it resolves to, and nothing else', ({ assert }) => {
    const allowed = policy('Ollama.Internal')
    assert.doesNotThrow(() => allowed.checkAddress('ollama.internal', '10.0.5.20'))
    assert.doesNotThrow(() => allowed.checkAddress('OLLAMA.internal.', '127.0.0.1'))
    assert.throws(() => allowed.checkAddress('other.internal', '10.0.5.20'), /private/)
  })

  test('a malformed entry is named', ({ assert }) => {
    assert.isNull(allowListProblem('127.0.0.1, ::1, localhost, 10.0.0.0/8, [fd00::1]'))
    assert.match(allowListProblem('10.0.0.0/33')!, /"10\.0\.0\.0\/33" is not a valid CIDR/)
    assert.match(allowListProblem('ollama.internal:11434')!, /no ports/)
    assert.match(allowListProblem('*.internal')!, /no ports, no wildcards/)
  })
})

test('a malformed OUTBOUND_ALLOWED_HOSTS stops the boot with one line naming it', async ({
  assert,
}) => {
  const result = await runAce(['plugins:list'], {
    NODE_ENV: 'test',
    OUTBOUND_ALLOWED_HOSTS: '127.0.0.1,10.0.0.0/33',
  })

  assert.equal(result.code, 1)
  assert.equal(
    result.stderr.trim(),
    'Configuration error: OUTBOUND_ALLOWED_HOSTS is invalid: "10.0.0.0/33" is not a valid CIDR range (e.g. 10.0.0.0/8 or fd00::/8)'
  )
}).timeout(60_000)
