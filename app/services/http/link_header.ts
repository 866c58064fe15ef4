/**
 * Parses an RFC 8288 Link header into { rel: url }, e.g.
 * `<https://api.example.com/items?page=2>; rel="next", <...>; rel="last"`
 * becomes { next: 'https://api.example.com/items?page=2', last: '...' }.
 *
 * URLs are returned exactly as written (possibly relative); the caller
 * resolves them against the URL of the response that carried them. A
 * link with several space-separated relations ("next prev") is listed
 * under each; the first link wins when a relation repeats.
 */
export function parseLinkHeader(value: string | null | undefined): Record<string, string> {
  const links: Record<string, string> = {}
  if (!value) return links

  // URLs may contain commas and semicolons, so the header is split on the
  // "<" that opens each link rather than naively on ",".
  const linkPattern = /<([^>]*)>([^<]*)/g
  for (const match of value.matchAll(linkPattern)) {
    const url = match[1].trim()
    const relations = relationsOf(match[2])
    for (const relation of relations) {
      if (!(relation in links)) links[relation] = url
    }
  }
  return links
}

/**
 * The relation names in the parameters that follow one link
 * (`; rel="next"`, `; rel=next` or `; rel="next prev"`), lower-cased
 * because relation types compare case-insensitively.
 */
function relationsOf(parameters: string): string[] {
  const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(parameters)
  if (!rel) return []
  return (rel[1] ?? rel[2])
    .split(/\s+/)
    .map((relation) => relation.toLowerCase())
    .filter(Boolean)
}
