/**
 * The Bitbucket Cloud REST API 2.0 objects this plugin reads, as the API
 * reference documents them (only the fields used). Lists come in a
 * paginated envelope: `{ values, next?, page?, pagelen, size? }`, where
 * `next` is the absolute URL of the next page.
 */
export type Paginated<T> = {
  values: T[]
  next?: string
  page?: number
  pagelen?: number
  size?: number
}

export type Link = { href: string; name?: string }

export type Account = {
  type?: string
  uuid: string
  account_id?: string
  display_name: string
  nickname?: string
  username?: string
}

/** a group of the 1.0 groups resource: its members are user profiles (uuid, account_id, display_name, nickname) */
export type Group = {
  name: string
  slug: string
  permission?: string | null
  auto_add?: boolean
  members?: Array<Account & { is_team?: boolean }>
}

export type Workspace = { type?: 'workspace'; uuid: string; slug: string; name: string }

export type WorkspaceMembership = {
  type: 'workspace_membership'
  permission: 'owner' | 'collaborator' | 'member'
  workspace: Workspace
}

export type Repository = {
  type?: 'repository'
  uuid: string
  full_name: string
  name: string
  slug?: string
  is_private: boolean
  language?: string
  updated_on: string
  mainbranch?: { name: string; type?: string } | null
  workspace?: Workspace
  links: { html: Link; clone?: Link[] }
}

export type PullRequestState = 'OPEN' | 'MERGED' | 'DECLINED' | 'SUPERSEDED'

export type Participant = {
  user: Account
  role: 'PARTICIPANT' | 'REVIEWER'
  approved: boolean
  state?: 'approved' | 'changes_requested' | null
  participated_on?: string | null
}

export type PullRequest = {
  id: number
  title: string
  state: PullRequestState
  author: Account
  draft?: boolean
  source: { branch: { name: string }; commit?: { hash: string } | null }
  destination: { branch: { name: string }; commit?: { hash: string } | null }
  merge_commit?: { hash: string } | null
  created_on: string
  updated_on: string
  comment_count?: number
  participants?: Participant[]
  /**
   * The description: `summary` is the rendered-content object whose
   * `raw` is the Markdown as written; `description` is the plain field
   * the list, the single pull request and webhook payloads also carry.
   */
  summary?: { raw?: string | null; markup?: string; html?: string } | null
  description?: string | null
  links: { html: Link }
}

/** one entry of a pull request's activity: an update, an approval or a comment */
export type Activity = {
  update?: { state: PullRequestState; date: string; author?: Account }
  approval?: { date: string; user: Account }
  changes_requested?: { date: string; user: Account }
  comment?: { created_on: string; user: Account }
}

export type DiffStat = {
  status: string
  lines_added: number
  lines_removed: number
}

export type Commit = {
  hash: string
  message: string
  date: string
  author: { raw: string; user?: Account }
  /** the commit's parents, as every commit object carries them (`parents[].hash`) */
  parents?: Array<{ hash: string; type?: string }>
}

export type Pipeline = {
  uuid: string
  build_number: number
  state: {
    name: 'PENDING' | 'IN_PROGRESS' | 'COMPLETED' | 'PAUSED' | 'HALTED' | string
    result?: { name: 'SUCCESSFUL' | 'FAILED' | 'ERROR' | 'STOPPED' | string }
  }
  target?: { ref_name?: string; commit?: { hash: string } }
  created_on: string
  completed_on?: string | null
}

export type Webhook = {
  uuid: string
  url: string
  description?: string
  active: boolean
  events: string[]
  secret_set?: boolean
}

export type BuildStatusState = 'INPROGRESS' | 'SUCCESSFUL' | 'FAILED' | 'STOPPED'

export type BuildStatus = {
  uuid?: string
  key: string
  state: BuildStatusState
  name?: string
  description?: string
  url: string
  links?: { self?: Link }
}

export type Environment = { uuid: string; name: string; environment_type?: { name: string } }

export type Deployment = {
  uuid: string
  state: {
    name: 'COMPLETED' | 'IN_PROGRESS' | 'UNDEPLOYED' | string
    status?: { name: 'SUCCESSFUL' | 'FAILED' | 'STOPPED' | string }
    url?: string
    start_date?: string
    completion_date?: string
  }
  environment: { uuid: string; name?: string }
  release?: {
    uuid?: string
    name?: string
    url?: string
    commit?: { hash: string }
    created_on?: string
  }
}
