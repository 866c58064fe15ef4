import { BlockList, isIP } from 'node:net'

/**
 * The outbound policy: which addresses the server may call when a user
 * (not the operator) typed the URL. Pure checks only; the dispatcher in
 * outbound_dispatcher.ts applies them to every connection it opens.
 *
 * Refused unless the operator allows them with OUTBOUND_ALLOWED_HOSTS:
 * any scheme but http and https, and addresses inside this machine or
 * its networks (loopback, private, link-local with the cloud metadata
 * service, carrier-grade NAT, IPv6 unique-local, unspecified, multicast
 * and other reserved ranges), in IPv4, IPv6 and every IPv6 form that
 * carries an IPv4 address.
 */

export type AddressKind =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'carrier-grade NAT'
  | 'unique-local'
  | 'unspecified'
  | 'multicast'
  | 'reserved'

/** How each refused kind reads in a message: "127.0.0.1 is a loopback address". */
const KIND_PHRASES: Record<Exclude<AddressKind, 'public'>, string> = {
  'loopback': 'a loopback address',
  'private': 'a private address',
  'link-local': 'a link-local address (where cloud metadata services live)',
  'carrier-grade NAT': 'a carrier-grade NAT address',
  'unique-local': 'a unique-local IPv6 address',
  'unspecified': 'the unspecified address',
  'multicast': 'a multicast address',
  'reserved': 'a reserved address',
}

type Range = [network: string, prefix: number]

/** Checked in order: the first list holding the address names its kind. */
const IPV4_RANGES: Array<[Exclude<AddressKind, 'public'>, Range[]]> = [
  ['unspecified', [['0.0.0.0', 8]]],
  ['loopback', [['127.0.0.0', 8]]],
  [
    'private',
    [
      ['10.0.0.0', 8],
      ['172.16.0.0', 12],
      ['192.168.0.0', 16],
    ],
  ],
  ['link-local', [['169.254.0.0', 16]]],
  ['carrier-grade NAT', [['100.64.0.0', 10]]],
  ['multicast', [['224.0.0.0', 4]]],
  [
    'reserved',
    [
      ['192.0.0.0', 24], // IETF protocol assignments
      ['192.0.2.0', 24], // documentation
      ['198.18.0.0', 15], // benchmarking
      ['198.51.100.0', 24], // documentation
      ['203.0.113.0', 24], // documentation
      ['240.0.0.0', 4], // future use, and the broadcast address
    ],
  ],
]

const IPV6_RANGES: Array<[Exclude<AddressKind, 'public'>, Range[]]> = [
  ['unspecified', [['::', 128]]],
  ['loopback', [['::1', 128]]],
  ['unique-local', [['fc00::', 7]]],
  ['link-local', [['fe80::', 10]]],
  ['private', [['fec0::', 10]]], // site-local, deprecated but still routed by some networks
  ['multicast', [['ff00::', 8]]],
  [
    'reserved',
    [
      ['100::', 64], // discard
      ['2001::', 32], // Teredo: the IPv4 inside is obfuscated, so it cannot be checked
      ['2001:db8::', 32], // documentation
      ['64:ff9b:1::', 48], // local-use IPv4/IPv6 translation
    ],
  ],
]

function blockListOf(ranges: Range[], family: 'ipv4' | 'ipv6') {
  const list = new BlockList()
  for (const [network, prefix] of ranges) list.addSubnet(network, prefix, family)
  return list
}

const IPV4_LISTS = IPV4_RANGES.map(([kind, ranges]) => [kind, blockListOf(ranges, 'ipv4')] as const)
const IPV6_LISTS = IPV6_RANGES.map(([kind, ranges]) => [kind, blockListOf(ranges, 'ipv6')] as const)

export type AddressClass = {
  kind: AddressKind
  /** the IPv4 address an IPv6 form carries (::ffff:7f00:1 → 127.0.0.1), when it carries one */
  embeddedIpv4: string | null
}

/** Brackets and a zone (fe80::1%eth0) are not part of the address. */
function bareAddress(address: string) {
  return address.replace(/^\[|\]$/g, '').replace(/%.*$/, '')
}

/** The eight 16-bit words of an IPv6 address (which isIP has already accepted). */
function ipv6Words(address: string): number[] {
  let text = address.toLowerCase()
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)
  if (dotted) {
    const [a, b, c, d] = dotted[1].split('.').map(Number)
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, null]
  const headWords = head ? head.split(':') : []
  const tailWords = tail ? tail.split(':') : []
  const zeros = tail === null ? [] : new Array(8 - headWords.length - tailWords.length).fill('0')
  return [...headWords, ...zeros, ...tailWords].map((word) => Number.parseInt(word, 16))
}

function ipv4FromWords(high: number, low: number) {
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.')
}

/**
 * The IPv4 address an IPv6 form delivers to, when it has one: mapped
 * (::ffff:a.b.c.d), translated (::ffff:0:a.b.c.d), the deprecated
 * compatible form (::a.b.c.d), NAT64 (64:ff9b::a.b.c.d) and 6to4
 * (2002:AABB:CCDD::).
 */
function ipv4Inside(words: number[]): string | null {
  const zeroUpTo = (end: number) => words.slice(0, end).every((word) => word === 0)
  if (zeroUpTo(5) && words[5] === 0xffff) return ipv4FromWords(words[6], words[7])
  if (zeroUpTo(4) && words[4] === 0xffff && words[5] === 0) {
    return ipv4FromWords(words[6], words[7])
  }
  if (zeroUpTo(6) && (words[6] !== 0 || words[7] > 1)) return ipv4FromWords(words[6], words[7])
  if (words[0] === 0x64 && words[1] === 0xff9b && words.slice(2, 6).every((word) => word === 0)) {
    return ipv4FromWords(words[6], words[7])
  }
  if (words[0] === 0x2002) return ipv4FromWords(words[1], words[2])
  return null
}

function ipv4Kind(address: string): AddressKind {
  for (const [kind, list] of IPV4_LISTS) if (list.check(address, 'ipv4')) return kind
  return 'public'
}

/**
 * What kind of address this is. An IPv6 form carrying an IPv4 address
 * is judged by the IPv4 address it delivers to. Throws on text that is
 * not an IP address.
 */
export function classifyAddress(raw: string): AddressClass {
  const address = bareAddress(raw)
  const family = isIP(address)
  if (family === 4) return { kind: ipv4Kind(address), embeddedIpv4: null }
  if (family !== 6) throw new TypeError(`${raw} is not an IP address`)
  for (const [kind, list] of IPV6_LISTS) {
    if (list.check(address, 'ipv6')) return { kind, embeddedIpv4: null }
  }
  const inner = ipv4Inside(ipv6Words(address))
  if (inner) return { kind: ipv4Kind(inner), embeddedIpv4: inner }
  return { kind: 'public', embeddedIpv4: null }
}

/**
 * The policy said no. `reason` is one phrase a user can act on
 * ("127.0.0.1 is a loopback address"); the message adds who refused.
 */
export class OutboundRequestRefused extends Error {
  readonly code = 'E_OUTBOUND_REFUSED'

  constructor(readonly reason: string) {
    super(`refused by the outbound policy: ${reason}`)
    this.name = 'OutboundRequestRefused'
  }
}

/** the refusal somewhere in an error's chain of causes (undici and fetch wrap it) */
export function outboundRefusalIn(error: unknown): OutboundRequestRefused | null {
  let current: unknown = error
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    if (current instanceof OutboundRequestRefused) return current
    current = (current as { cause?: unknown }).cause
  }
  return null
}

/**
 * What the operator allows on top of public addresses: exact host names
 * (any address they resolve to is then accepted), exact addresses, and
 * CIDR ranges.
 */
export class OutboundAllowList {
  readonly #hosts = new Set<string>()
  readonly #addresses = new BlockList()
  readonly entries: readonly string[]

  /** Throws a TypeError naming the first entry that is none of the three. */
  constructor(value: string | undefined | null) {
    this.entries = (value ?? '')
      .split(',')
      .map((entry) => entry.trim().toLowerCase())
      .filter((entry) => entry !== '')
    for (const entry of this.entries) this.#add(entry)
  }

  #add(entry: string) {
    const [network, prefixText, ...rest] = entry.split('/')
    const address = bareAddress(network)
    const family = isIP(address)
    if (prefixText !== undefined) {
      const prefix = Number(prefixText)
      const max = family === 4 ? 32 : 128
      if (family === 0 || rest.length > 0 || !/^\d{1,3}$/.test(prefixText) || prefix > max) {
        throw new TypeError(`"${entry}" is not a valid CIDR range (e.g. 10.0.0.0/8 or fd00::/8)`)
      }
      this.#addresses.addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6')
      return
    }
    if (family !== 0) {
      this.#addresses.addAddress(address, family === 4 ? 'ipv4' : 'ipv6')
      return
    }
    if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(entry)) {
      throw new TypeError(
        `"${entry}" is neither a host name, an IP address nor a CIDR range (no ports, no wildcards)`
      )
    }
    this.#hosts.add(entry)
  }

  allowsHost(hostname: string): boolean {
    return this.#hosts.has(bareAddress(hostname).toLowerCase().replace(/\.$/, ''))
  }

  allowsAddress(address: string): boolean {
    const bare = bareAddress(address)
    const family = isIP(bare)
    if (family === 0) return false
    if (this.#addresses.check(bare, family === 4 ? 'ipv4' : 'ipv6')) return true
    // ::ffff:127.0.0.1 is allowed when 127.0.0.1 is
    const inner = family === 6 ? classifyAddress(bare).embeddedIpv4 : null
    return inner !== null && this.#addresses.check(inner, 'ipv4')
  }
}

/** The problem with an OUTBOUND_ALLOWED_HOSTS value, or null when it is fine (for boot checks). */
export function allowListProblem(value: string): string | null {
  try {
    new OutboundAllowList(value)
    return null
  } catch (error) {
    return (error as Error).message
  }
}

const ALLOWED_PROTOCOLS = new Set(['http:', 'https:'])

/**
 * One policy: the operator's allow list applied to URLs and to the
 * addresses their hosts resolve to.
 */
let lastPolicy: { raw: string | undefined; policy: OutboundPolicy } | null = null

export class OutboundPolicy {
  constructor(readonly allowList: OutboundAllowList) {}

  /**
   * The policy for the current OUTBOUND_ALLOWED_HOSTS (read at each call:
   * tests change it), parsed again only when the value changes: parsing
   * it was ~2% of a Noa glasses request's CPU (three model calls each).
   */
  static current(): OutboundPolicy {
    const raw = process.env.OUTBOUND_ALLOWED_HOSTS
    if (!lastPolicy || lastPolicy.raw !== raw) {
      lastPolicy = { raw, policy: new OutboundPolicy(new OutboundAllowList(raw)) }
    }
    return lastPolicy.policy
  }

  /** a stable identity, so a connection pool can be kept per policy */
  get key(): string {
    return this.allowList.entries.join(',')
  }

  /**
   * Parses a URL the WHATWG way, as undici will (so 2130706433, 0x7f.1
   * and 0177.0.0.1 are all 127.0.0.1), and refuses a scheme other than
   * http(s) or a literal address the policy refuses. Host names are
   * judged once resolved (checkAddress).
   */
  checkUrl(raw: string | URL): URL {
    let url: URL
    try {
      url = new URL(raw)
    } catch {
      throw new OutboundRequestRefused(`"${String(raw).slice(0, 200)}" is not a URL`)
    }
    if (!ALLOWED_PROTOCOLS.has(url.protocol)) {
      const scheme = url.protocol.replace(/:$/, '')
      throw new OutboundRequestRefused(`${scheme} URLs are not allowed (only http and https)`)
    }
    const host = bareAddress(url.hostname)
    if (isIP(host)) this.checkAddress(host, host)
    return url
  }

  /**
   * Refuses an address the host resolved to (or the literal address
   * itself), unless the host or the address is allowed.
   */
  checkAddress(hostname: string, address: string): void {
    if (this.allowList.allowsHost(hostname) || this.allowList.allowsAddress(address)) return
    const { kind, embeddedIpv4 } = classifyAddress(address)
    if (kind === 'public') return
    const bare = bareAddress(address)
    const shown = bareAddress(hostname) === bare ? bare : `${hostname} resolves to ${bare}, which`
    const carried = embeddedIpv4 ? ` (IPv4 ${embeddedIpv4} in IPv6 form)` : ''
    throw new OutboundRequestRefused(`${shown} is ${KIND_PHRASES[kind]}${carried}`)
  }
}
