import { iso, nodeId } from './state.js'
import type {
  FakeCheckRun,
  FakeDeployment,
  FakeGitHubState,
  FakeRelease,
  FakeRepository,
  FakeWorkflowRun,
} from './state.js'
import type { GeneratedDeploymentStatus } from './generate.js'
import { appShape, userShape } from './shapes.js'

/**
 * Payloads for delivery data (releases, deployments, workflow runs) and
 * check runs, in GitHub's documented shapes. See shapes.ts for `base`.
 */
export function releaseShape(base: string, repository: FakeRepository, release: FakeRelease) {
  return {
    url: `${base}/repos/${repository.fullName}/releases/${release.id}`,
    html_url: `${base}/${repository.fullName}/releases/tag/${release.tagName}`,
    id: release.id,
    node_id: nodeId('RE', release.id),
    author: userShape(base, release.authorLogin),
    tag_name: release.tagName,
    target_commitish: repository.defaultBranch,
    name: release.name,
    draft: release.draft,
    prerelease: release.prerelease,
    created_at: iso(release.createdAt),
    published_at: iso(release.publishedAt),
    assets: [],
    tarball_url: `${base}/repos/${repository.fullName}/tarball/${release.tagName}`,
    zipball_url: `${base}/repos/${repository.fullName}/zipball/${release.tagName}`,
    body: `Release notes for ${release.tagName}.`,
  }
}

export function deploymentShape(
  base: string,
  repository: FakeRepository,
  deployment: FakeDeployment
) {
  const url = `${base}/repos/${repository.fullName}/deployments/${deployment.id}`
  return {
    url,
    id: deployment.id,
    node_id: nodeId('DE', deployment.id),
    sha: deployment.sha,
    ref: deployment.ref,
    task: 'deploy',
    payload: {},
    original_environment: deployment.environment,
    environment: deployment.environment,
    description: null,
    creator: userShape(base, deployment.creatorLogin),
    created_at: iso(deployment.createdAt),
    updated_at: iso(deployment.updatedAt),
    statuses_url: `${url}/statuses`,
    repository_url: `${base}/repos/${repository.fullName}`,
    transient_environment: false,
    production_environment: deployment.environment === 'production',
  }
}

export function deploymentStatusShape(
  base: string,
  repository: FakeRepository,
  deployment: FakeDeployment,
  status: GeneratedDeploymentStatus
) {
  const deploymentUrl = `${base}/repos/${repository.fullName}/deployments/${deployment.id}`
  return {
    url: `${deploymentUrl}/statuses/${status.id}`,
    id: status.id,
    node_id: nodeId('DES', status.id),
    state: status.state,
    creator: userShape(base, deployment.creatorLogin),
    description: '',
    environment: deployment.environment,
    target_url: '',
    log_url: '',
    environment_url: '',
    created_at: iso(status.createdAt),
    updated_at: iso(status.createdAt),
    deployment_url: deploymentUrl,
    repository_url: `${base}/repos/${repository.fullName}`,
  }
}

export function workflowRunShape(base: string, repository: FakeRepository, run: FakeWorkflowRun) {
  const url = `${base}/repos/${repository.fullName}/actions/runs/${run.id}`
  return {
    id: run.id,
    name: run.name,
    node_id: nodeId('WFR', run.id),
    head_branch: run.headBranch,
    head_sha: run.headSha,
    path: `.github/workflows/${run.name.toLowerCase()}.yml`,
    display_title: `${run.name} on ${run.headBranch}`,
    run_number: run.runNumber,
    event: run.event,
    status: run.status,
    conclusion: run.conclusion,
    workflow_id: run.workflowId,
    url,
    html_url: `${base}/${repository.fullName}/actions/runs/${run.id}`,
    jobs_url: `${url}/jobs`,
    created_at: iso(run.createdAt),
    updated_at: iso(run.updatedAt),
    run_started_at: iso(run.createdAt),
    run_attempt: run.runAttempt,
    actor: userShape(base, run.actorLogin),
    triggering_actor: userShape(base, run.actorLogin),
    repository: { id: repository.id, name: repository.name, full_name: repository.fullName },
  }
}

export function checkRunShape(base: string, state: FakeGitHubState, run: FakeCheckRun) {
  const url = `${base}/repos/${run.repo}/check-runs/${run.id}`
  return {
    id: run.id,
    node_id: nodeId('CR', run.id),
    head_sha: run.head_sha,
    external_id: run.external_id ?? '',
    url,
    html_url: `${base}/${run.repo}/runs/${run.id}`,
    details_url: run.details_url ?? `${base}/apps/${state.app.slug}`,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.started_at,
    completed_at: run.completed_at,
    output: {
      title: run.output?.title ?? null,
      summary: run.output?.summary ?? null,
      text: run.output?.text ?? null,
      annotations_count: 0,
      annotations_url: `${url}/annotations`,
    },
    name: run.name,
    check_suite: { id: Math.floor(run.id / 2) },
    app: appShape(base, state),
    pull_requests: [],
  }
}
