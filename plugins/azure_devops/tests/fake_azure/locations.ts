/**
 * What Azure DevOps answers about where its resources live, as
 * azure-devops-node-api reads it: `GET _apis/ResourceAreas` (the host of
 * each area: Release lives on vsrm.dev.azure.com) and `OPTIONS
 * _apis/<area>` (each resource's route template and versions). The ids
 * and route templates are the service's own.
 */
export const AREAS = {
  core: '79134c72-4a58-4b42-976c-04e7115f32bf',
  git: '4e080c62-fa21-4fbc-8fef-2a10a2b38049',
  build: '965220d5-5bb9-42cf-8d67-9b146df2a5a4',
  release: 'efc2f575-36ef-48e9-b672-0c6fb4a48ac5',
  wit: '5264459e-e5e0-4bd8-b118-0985e68a4ec5',
  hooks: '4a38e1b8-b5d1-4a59-8e7c-2fd9b64a4e2b',
} as const

type Location = {
  id: string
  area: string
  resourceName: string
  routeTemplate: string
  resourceVersion: number
  minVersion: string
  maxVersion: string
  releasedVersion: string
}

const location = (
  area: string,
  id: string,
  resourceName: string,
  routeTemplate: string,
  resourceVersion = 1
): Location => ({
  id,
  area,
  resourceName,
  routeTemplate,
  resourceVersion,
  minVersion: '1.0',
  maxVersion: '7.2',
  releasedVersion: '7.1',
})

/** OPTIONS _apis/<area>, by area name in lower case */
export const RESOURCE_LOCATIONS: Record<string, Location[]> = {
  location: [
    location(
      'Location',
      'e81700f7-3be2-46de-8624-2eb35882fcaa',
      'ResourceAreas',
      '_apis/{resource}/{areaId}'
    ),
  ],
  core: [
    location(
      'core',
      '603fe2ac-9723-48b9-88ad-09305aa6c6e1',
      'projects',
      '_apis/{resource}/{*projectId}',
      4
    ),
    location(
      'core',
      'd30a3dd1-f8ba-442a-b86a-bd0c0c383e59',
      'teams',
      '_apis/projects/{projectId}/{resource}/{*teamId}',
      3
    ),
    location(
      'core',
      '294c494c-2600-4d7e-b76c-3dd50c3c95be',
      'members',
      '_apis/projects/{projectId}/teams/{teamId}/{resource}',
      2
    ),
  ],
  git: [
    location(
      'git',
      '225f7195-f9c7-4d14-ab28-a83f7ff77e1f',
      'repositories',
      '{project}/_apis/{area}/{resource}/{repositoryId}',
      2
    ),
    location(
      'git',
      'b5f6bb4f-8d1e-4d79-8d11-4c9172c99c35',
      'pullRequestStatuses',
      '{project}/_apis/{area}/repositories/{repositoryId}/pullRequests/{pullRequestId}/statuses/{statusId}',
      2
    ),
  ],
  build: [
    location(
      'build',
      '0cd358e1-9217-4d94-8269-1c1ee6f93dcf',
      'builds',
      '{project}/_apis/{area}/{resource}/{buildId}',
      7
    ),
  ],
  release: [
    location(
      'Release',
      'a166fde7-27ad-408e-ba75-703c2cc9d500',
      'releases',
      '{project}/_apis/{area}/{resource}/{releaseId}',
      9
    ),
  ],
  wit: [
    location(
      'wit',
      '1a9c53f7-f243-4447-b110-35ef023636e4',
      'wiql',
      '{project}/{team}/_apis/{area}/{resource}',
      2
    ),
  ],
}
