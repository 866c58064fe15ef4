import type { FakeGitHub } from './fake_github/server.js'
import { pullRequestShape, repositoryShape } from './fake_github/shapes.js'

/**
 * Webhook payloads in GitHub's documented shapes, built from what the
 * fake GitHub holds so the API calls a handler makes find the same data.
 */
export function pullRequestEvent(
  github: FakeGitHub,
  input: { action: string; repository: string; number: number; installationId: number }
) {
  const repository = github.state.repositories.get(input.repository)!
  const pull = repository.pullRequests.find((candidate) => candidate.number === input.number)!
  return {
    action: input.action,
    number: pull.number,
    pull_request: pullRequestShape(github.url, repository, pull, true),
    repository: repositoryShape(github.url, repository),
    installation: { id: input.installationId, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==' },
    sender: { login: pull.authorLogin, id: 1, type: 'User' },
  }
}

export function installationEvent(
  github: FakeGitHub,
  action: 'created' | 'deleted' | 'suspend' | 'unsuspend',
  installationId: number
) {
  const installation = github.state.installations.get(installationId)!
  return {
    action,
    installation: {
      id: installation.id,
      account: installation.account,
      repository_selection: installation.repositorySelection,
      app_id: github.state.app.id,
      app_slug: github.state.app.slug,
      target_type: installation.account.type,
      suspended_at: action === 'suspend' ? new Date().toISOString() : null,
    },
    repositories: [],
    sender: { login: installation.account.login, id: installation.account.id, type: 'User' },
  }
}

export function installationRepositoriesEvent(
  github: FakeGitHub,
  action: 'added' | 'removed',
  installationId: number,
  repositories: string[]
) {
  const listed = repositories.map((name) => {
    const repository = github.state.repositories.get(name)!
    return {
      id: repository.id,
      node_id: `R_${repository.id}`,
      name: repository.name,
      full_name: repository.fullName,
      private: repository.private,
    }
  })
  return {
    action,
    installation: { id: installationId },
    repository_selection: 'selected',
    repositories_added: action === 'added' ? listed : [],
    repositories_removed: action === 'removed' ? listed : [],
    sender: { login: 'octocat', id: 1, type: 'User' },
  }
}
