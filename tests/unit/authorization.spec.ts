import { test } from '@japa/runner'
import { Bouncer } from '@adonisjs/bouncer'
import type Membership from '#models/membership'
import type User from '#models/user'
import { administerSextant, memberCan } from '#abilities/main'
import {
  PERMISSIONS,
  ROLE_NAMES,
  ROLES,
  isRoleName,
  roleAllows,
  type Permission,
  type RoleName,
} from '#services/authorization'

/**
 * What each role may do, as a table: a permission added to or dropped
 * from a role is a decision this file has to be changed for.
 */
const EXPECTED: Record<RoleName, Permission[]> = {
  viewer: ['organization.view', 'members.view', 'assistant.use'],
  member: [
    'organization.view',
    'members.view',
    'assistant.use',
    'documents.upload',
    'tokens.create',
    'api.write',
  ],
  admin: [
    'organization.view',
    'members.view',
    'assistant.use',
    'documents.upload',
    'tokens.create',
    'api.write',
    'organization.manage',
    'products.manage',
    'members.manage',
    'integrations.manage',
    'audit.view',
    'compliance.review',
  ],
  owner: [
    'organization.view',
    'members.view',
    'assistant.use',
    'documents.upload',
    'tokens.create',
    'api.write',
    'organization.manage',
    'products.manage',
    'members.manage',
    'integrations.manage',
    'audit.view',
    'compliance.review',
    'owners.manage',
    'organization.delete_data',
  ],
}

const ALL_PERMISSIONS = Object.keys(PERMISSIONS) as Permission[]

function user(id: number, isSuperuser = false) {
  return { id, isSuperuser } as unknown as User
}

function membership(userId: number, role: string) {
  return { userId, role } as unknown as Membership
}

test.group('Authorization | roles', () => {
  test('the roles are owner, admin, member and viewer, ranked in that order', ({ assert }) => {
    assert.deepEqual(ROLE_NAMES, ['owner', 'admin', 'member', 'viewer'])
    const ranks = ROLE_NAMES.map((name) => ROLES[name].rank)
    assert.deepEqual(ranks, [40, 30, 20, 10])
  })

  test('each role allows exactly its permissions', ({ assert }) => {
    for (const role of ROLE_NAMES) {
      const allowed = ALL_PERMISSIONS.filter((permission) => roleAllows(role, permission))
      assert.sameMembers(allowed, EXPECTED[role], role)
      assert.sameMembers(ROLES[role].permissions, EXPECTED[role], role)
    }
  })

  test('each role has a label and a description for the members page', ({ assert }) => {
    assert.deepEqual(
      ROLE_NAMES.map((name) => ROLES[name].label),
      ['Owner', 'Admin', 'Member', 'Viewer']
    )
    for (const name of ROLE_NAMES) assert.isAbove(ROLES[name].description.length, 10)
  })

  test('a name that is not a role allows nothing, including inherited object keys', ({
    assert,
  }) => {
    for (const name of ['', 'Owner', 'superuser', 'constructor', 'toString', '__proto__']) {
      assert.isFalse(isRoleName(name), name)
      for (const permission of ALL_PERMISSIONS) assert.isFalse(roleAllows(name, permission))
    }
    for (const value of [null, undefined, 40, {}]) assert.isFalse(isRoleName(value))
    for (const name of ROLE_NAMES) assert.isTrue(isRoleName(name))
  })
})

test.group('Authorization | abilities', () => {
  test("a member's own membership grants what its role allows, and nothing more", async ({
    assert,
  }) => {
    const bouncer = new Bouncer(user(7))
    for (const role of ROLE_NAMES) {
      for (const permission of ALL_PERMISSIONS) {
        assert.equal(
          await bouncer.allows(memberCan, membership(7, role), permission),
          EXPECTED[role].includes(permission),
          `${role} / ${permission}`
        )
      }
    }
  })

  test("someone else's membership grants nothing, nor does none", async ({ assert }) => {
    const bouncer = new Bouncer(user(7))
    assert.isFalse(await bouncer.allows(memberCan, membership(8, 'owner'), 'organization.view'))
    assert.isFalse(await bouncer.allows(memberCan, undefined, 'organization.view'))
    assert.isFalse(await bouncer.allows(memberCan, membership(7, 'auditor'), 'organization.view'))
  })

  test('only superusers administer Sextant', async ({ assert }) => {
    assert.isTrue(await new Bouncer(user(1, true)).allows(administerSextant))
    assert.isFalse(await new Bouncer(user(2, false)).allows(administerSextant))
  })
})
