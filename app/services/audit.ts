import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import AuditEvent from '#models/audit_event'

/**
 * Where a request came from, as recorded in the audit log. Actions take
 * this instead of the HTTP context, so commands and jobs can pass their
 * own ("cli", the job name).
 */
export type RequestMeta = { ip: string | null; userAgent: string | null }

export const CLI_META: RequestMeta = { ip: null, userAgent: 'node ace' }

export const AUDIT_EVENTS = {
  'sign_in.succeeded': 'Signed in',
  'sign_in.failed': 'Sign-in failed',
  'sign_in.throttled': 'Sign-in throttled',
  'sign_out': 'Signed out',
  'mfa.failed': 'Second factor refused',
  'mfa.enrolled': 'Second factor enrolled',
  'mfa.disabled': 'Second factor removed',
  'mfa.reset': 'Second factor reset by an administrator',
  'recovery_code.used': 'Recovery code used',
  'recovery_codes.regenerated': 'Recovery codes regenerated',
  'password.changed': 'Password changed',
  'password.reset_requested': 'Password reset requested',
  'password.reset': 'Password reset',
  'invite.sent': 'Invitation sent',
  'invite.revoked': 'Invitation revoked',
  'invite.accepted': 'Invitation accepted',
  'member.role_changed': 'Role changed',
  'member.removed': 'Member removed',
  'token.created': 'API token created',
  'token.revoked': 'API token revoked',
  'session.revoked': 'Session signed out remotely',
  'user.locked': 'Account locked',
  'user.unlocked': 'Account unlocked',
  'user.created': 'Account created',
  'user.updated': 'Profile changed',
  'user.deleted': 'Account deleted',
  'user.erased': 'Account erased (personal data removed)',
  'organization.created': 'Organisation created',
  'organization.updated': 'Organisation settings changed',
  'organization.ai_code_policy_changed': 'AI code policy changed',
  'organization.data_deleted': "Organisation's data deleted",
  'organization.deleted': 'Organisation deleted',
  'organization.mfa_policy_changed': 'Two-factor policy changed',
  'document.uploaded': 'Document uploaded',
  'document.replaced': 'Document replaced with a new version',
  'document.deleted': 'Document deleted',
  'document.purged': 'Deleted document purged',
  'reference_data.imported': 'Reference data imported',
  'product.created': 'Product created',
  'product.updated': 'Product renamed or described',
  'product.repositories_changed': 'Product repositories changed',
  'product.issue_projects_changed': 'Product issue projects changed',
  'product.deleted': 'Product deleted',
  'compliance.evidence_accepted': 'Compliance evidence accepted',
  'compliance.evidence_rejected': 'Compliance evidence rejected',
  'repository_reference.mapped': 'Repository reference mapped by hand',
  'people.merged': 'People merged',
  'person.split': 'Identity split into a person of its own',
  'team.created': 'Team created',
  'team.renamed': 'Team renamed',
  'team.deleted': 'Team deleted',
  'team.member_added': 'Person added to a team',
  'team.member_removed': 'Person removed from a team',
  'team.imported': 'Teams imported from a provider',
  'working_agreement.created': 'Working agreement set',
  'working_agreement.deleted': 'Working agreement removed',
  'insights.alert_webhook_changed': 'Insights alert webhook changed',
} as const

export type AuditEventName = keyof typeof AUDIT_EVENTS

export type AuditEntry = {
  event: AuditEventName
  actorId?: number | null
  organizationId?: number | null
  subject?: string | null
  meta?: RequestMeta
  details?: Record<string, unknown>
}

/**
 * Appends one event to the audit log (inside the caller's transaction
 * when given, so the event and the change land together).
 */
export async function recordAudit(entry: AuditEntry, client?: TransactionClientContract) {
  return AuditEvent.create(
    {
      event: entry.event,
      actorId: entry.actorId ?? null,
      organizationId: entry.organizationId ?? null,
      subject: entry.subject?.slice(0, 300) ?? null,
      ip: entry.meta?.ip?.slice(0, 45) ?? null,
      userAgent: entry.meta?.userAgent?.slice(0, 300) ?? null,
      metadata: entry.details ? JSON.stringify(entry.details) : null,
    },
    client ? { client } : undefined
  )
}
