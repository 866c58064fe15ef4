const pluralRules = new Intl.PluralRules('en')

/**
 * "1 organisation", "3 organisations": plural(count, 'organisation'), or
 * with an irregular plural, plural(count, 'entry', 'entries'). English
 * plural rules, never "organisation(s)".
 */
export function plural(count: number, one: string, other = `${one}s`) {
  return `${count.toLocaleString('en')} ${pluralRules.select(count) === 'one' ? one : other}`
}
