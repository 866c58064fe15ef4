import { test } from '@japa/runner'
import { runAce } from '#tests/helpers/processes'
import {
  allowListProblem,
  classifyAddress,
  OutboundAllowList,
  OutboundPolicy,
  OutboundRequestRefused,
  outboundRefusalIn,
} from '#services/http/outbound_policy'
import { withEnv } from '#tests/helpers/env'

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

  test('an address written in full, without "::", is read word by word', ({ assert }) => {
    assert.deepEqual(classifyAddress('2606:4700:4700:0:0:0:0:1111'), {
      kind: 'public',
      embeddedIpv4: null,
    })
    assert.deepEqual(classifyAddress('0:0:0:0:0:ffff:7f00:1'), {
      kind: 'loopback',
      embeddedIpv4: '127.0.0.1',
    })
  })

  test('a zone (fe80::1%eth0) is not part of the address', ({ assert }) => {
    assert.equal(classifyAddress('fe80::1%eth0').kind, 'link-local')
    assert.equal(classifyAddress('[fe80::1%25eth0]').kind, 'link-local')
    assert.deepEqual(classifyAddress('::ffff:127.0.0.1%eth0'), {
      kind: 'loopback',
      embeddedIpv4: '127.0.0.1',
    })
  })

  test('the compatible form carries any IPv4 address but the two IPv6 ones it spells', ({
    assert,
  }) => {
    // ::2 is ::0.0.0.2; "::" and "::1" are IPv6's own unspecified and loopback
    assert.deepEqual(classifyAddress('::2'), { kind: 'unspecified', embeddedIpv4: '0.0.0.2' })
    assert.deepEqual(classifyAddress('::1'), { kind: 'loopback', embeddedIpv4: null })
  })

  test('IPv6 addresses that only look like an IPv4 form are judged as themselves', ({ assert }) => {
    for (const address of [
      '2606:4700::ffff:7f00:1', // mapped, but under another prefix
      '2606:4700::ffff:0:7f00:1', // translated, likewise
      '::1:7f00:1', // word 5 neither ffff (mapped) nor 0 (compatible)
      '::ffff:1:7f00:1', // translated, but word 5 is not 0
      '::1:0:7f00:1', // neither mapped nor translated: word 4 is not ffff
      '2606:4700::7f00:1', // compatible, but under another prefix
      '64:1::7f00:1', // NAT64's first word without its second
      '2606:ff9b::7f00:1', // NAT64's second word without its first
      '64:ff9b:2::7f00:1', // the NAT64 prefix with words 2 to 5 not zero
      '64:ff9b::1:7f00:1',
      '2606:a00::1', // 6to4 reads words 1 and 2 only under 2002::/16
    ]) {
      assert.deepEqual(classifyAddress(address), { kind: 'public', embeddedIpv4: null }, address)
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

  test('each refused kind is named in words a user can act on', ({ assert }) => {
    const phrases: Array<[string, string]> = [
      ['100.64.0.1', 'a carrier-grade NAT address'],
      ['[fd00::1]', 'a unique-local IPv6 address'],
      ['0.0.0.0', 'the unspecified address'],
      ['224.0.0.1', 'a multicast address'],
      ['192.0.2.1', 'a reserved address'],
    ]
    for (const [host, phrase] of phrases) {
      assert.throws(
        () => policy().checkUrl(`http://${host}/`),
        `refused by the outbound policy: ${host.replace(/[[\]]/g, '')} is ${phrase}`
      )
    }
  })

  test('a refusal carries its code and name, and says which scheme was refused', ({ assert }) => {
    const refusal = refusalOf(() =>
      policy().checkUrl('ftp://example.org/')
    ) as OutboundRequestRefused
    assert.equal(refusal.code, 'E_OUTBOUND_REFUSED')
    assert.equal(refusal.name, 'OutboundRequestRefused')
    assert.equal(refusal.reason, 'ftp URLs are not allowed (only http and https)')
  })

  test('text that is not a URL is refused, quoted to its first 200 characters', ({ assert }) => {
    const refusal = refusalOf(() => policy().checkUrl('not a url'))
    assert.instanceOf(refusal, OutboundRequestRefused)
    assert.equal((refusal as OutboundRequestRefused).reason, '"not a url" is not a URL')
    const long = `::${'x'.repeat(300)}`
    const cut = refusalOf(() => policy().checkUrl(long)) as OutboundRequestRefused
    assert.equal(cut.reason, `"${long.slice(0, 200)}" is not a URL`)
  })

  test('the refusal is found up to five errors down a chain of causes, and a loop ends the search', ({
    assert,
  }) => {
    const refusal = new OutboundRequestRefused('127.0.0.1 is a loopback address')
    const wrapped = (depth: number): unknown =>
      depth === 0 ? refusal : new Error(`wrapper ${depth}`, { cause: wrapped(depth - 1) })
    assert.strictEqual(outboundRefusalIn(wrapped(4)), refusal)
    assert.isNull(outboundRefusalIn(wrapped(5)))
    const looping = new Error('fetch failed') as Error & { cause?: unknown }
    looping.cause = looping
    assert.isNull(outboundRefusalIn(looping))
    assert.isNull(outboundRefusalIn(null))
    assert.isNull(outboundRefusalIn(new Error('no cause', { cause: null })))
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

  test('an allowed IPv4 address or range allows the IPv6 forms that carry it', ({ assert }) => {
    const allowed = policy('127.0.0.1, 10.0.5.0/24')
    for (const address of [
      '::ffff:0:127.0.0.1',
      '::127.0.0.1',
      '64:ff9b::10.0.5.20',
      '2002:a00:514::',
    ]) {
      assert.doesNotThrow(() => allowed.checkAddress('internal.example', address), address)
    }
    assert.throws(() => allowed.checkAddress('internal.example', '64:ff9b::10.0.6.20'), /private/)
  })

  test('an address check of text that is no address allows nothing', ({ assert }) => {
    assert.isFalse(new OutboundAllowList('10.0.0.0/8').allowsAddress('example.org'))
  })

  test('no OUTBOUND_ALLOWED_HOSTS allows nothing more than public addresses', ({
    assert,
    cleanup,
  }) => {
    cleanup(withEnv({ OUTBOUND_ALLOWED_HOSTS: undefined }))
    assert.deepEqual(new OutboundAllowList(undefined).entries, [])
    assert.deepEqual(new OutboundAllowList(null).entries, [])
    const current = OutboundPolicy.current()
    assert.equal(current.key, '')
    assert.throws(() => current.checkAddress('localhost', '127.0.0.1'), /loopback/)
  })

  test("a policy's key is its entries as read, so one pool serves one allow list", ({
    assert,
    cleanup,
  }) => {
    assert.equal(policy(' Ollama.Internal , 10.0.0.0/8 ').key, 'ollama.internal,10.0.0.0/8')
    cleanup(withEnv({ OUTBOUND_ALLOWED_HOSTS: 'a.internal,10.0.0.0/8' }))
    assert.equal(OutboundPolicy.current().key, 'a.internal,10.0.0.0/8')
  })

  test('whole-address ranges and one-letter labels are valid entries', ({ assert }) => {
    assert.isNull(allowListProblem('10.0.0.1/32, fd00::/64, fd00::1/128, a.internal, db.b'))
    const allowed = policy('fd00::/64, 10.0.0.1/32, a.internal, db.b')
    assert.doesNotThrow(() => allowed.checkAddress('x.internal', 'fd00::5'))
    assert.doesNotThrow(() => allowed.checkAddress('x.internal', '10.0.0.1'))
    assert.doesNotThrow(() => allowed.checkAddress('a.internal', '10.9.9.9'))
    assert.doesNotThrow(() => allowed.checkAddress('db.b', '10.9.9.9'))
  })

  test('a range whose network or prefix is not one is named', ({ assert }) => {
    for (const entry of [
      'ollama.internal/8',
      '10.0.0.0/8/16',
      '10.0.0.0/x8',
      '10.0.0.0/8x',
      '10.0.0.0/',
      'fd00::/129',
    ]) {
      assert.equal(
        allowListProblem(entry),
        `"${entry}" is not a valid CIDR range (e.g. 10.0.0.0/8 or fd00::/8)`,
        entry
      )
    }
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
