import { roleAllows, type Permission } from '#services/authorization'

/**
 * What an API token may be used for. A token never carries more than its
 * holder's role allows: each ability needs a permission of the role, and
 * the check is made at every use against the membership the request acts
 * through, so a member demoted to viewer loses a token's write ability at
 * once.
 */
export const TOKEN_ABILITIES = {
  read: {
    label: 'Read',
    description: 'Read dashboards, documents and settings through the API',
    permission: 'organization.view',
  },
  write: {
    label: 'Write',
    description: 'Upload documents and change data through the API',
    permission: 'api.write',
  },
  assistant: {
    label: 'Assistant',
    description: 'Ask the assistant from the Noa app (Frame glasses)',
    permission: 'assistant.use',
  },
} as const satisfies Record<string, { label: string; description: string; permission: Permission }>

export type TokenAbility = keyof typeof TOKEN_ABILITIES

export const TOKEN_ABILITY_NAMES = Object.keys(TOKEN_ABILITIES) as TokenAbility[]

export function isTokenAbility(value: unknown): value is TokenAbility {
  return typeof value === 'string' && Object.hasOwn(TOKEN_ABILITIES, value)
}

/** the abilities a role may put on a token (or use one for) */
export function abilitiesOfRole(role: string | null | undefined): TokenAbility[] {
  return TOKEN_ABILITY_NAMES.filter(
    (ability) => role && roleAllows(role, TOKEN_ABILITIES[ability].permission)
  )
}

/**
 * Whether a token with these abilities, used through a membership with
 * this role, may do what `ability` names: both must allow it.
 */
export function tokenMay(
  tokenAbilities: readonly string[],
  role: string | null | undefined,
  ability: TokenAbility
) {
  return (
    (tokenAbilities.includes(ability) || tokenAbilities.includes('*')) &&
    abilitiesOfRole(role).includes(ability)
  )
}
