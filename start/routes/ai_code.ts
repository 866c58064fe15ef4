/*
|--------------------------------------------------------------------------
| AI code
|--------------------------------------------------------------------------
|
| The AI Code Monitor page, and the composition in the token API (also
| at the old system's /api/repositories/composition/); the GBOMs as
| CycloneDX 1.6 JSON.
|
*/
import router from '@adonisjs/core/services/router'
import { middleware, web } from '#start/kernel'

const AiCodeController = () => import('#controllers/ai_code_controller')
const AttestationsController = () => import('#controllers/ai_code_attestations_controller')
const RepositoriesController = () => import('#controllers/ai_code_repositories_controller')
const ApiAiCodeController = () => import('#controllers/api/ai_code_controller')

router
  .get('/ai-code', [AiCodeController, 'index'])
  .as('ai_code.index')
  .use([...web(), middleware.auth()])

router
  .group(() => {
    router.get('/ai-code/repositories/:publicId', [RepositoriesController, 'show']).as('show')
    router.get('/ai-code/repositories/:publicId/lines', [RepositoriesController, 'file']).as('file')
  })
  .as('ai_code.repositories')
  .use([...web(), middleware.auth()])

router
  .get('/ai-code/repositories/:publicId/gbom', [AiCodeController, 'gbom'])
  .as('ai_code.gbom')
  .use([...web(), middleware.auth()])

router
  .group(() => {
    router.get('/ai-code/attestations', [AttestationsController, 'index']).as('index')
    router.get('/ai-code/attestations/:publicId', [AttestationsController, 'show']).as('show')
    router
      .get('/ai-code/repositories/:publicId/pull-requests/:number', [
        AttestationsController,
        'pullRequest',
      ])
      .as('pull_request')
    router
      .post('/ai-code/repositories/:publicId/pull-requests/:number', [
        AttestationsController,
        'attest',
      ])
      .as('attest')
  })
  .as('ai_code.attestations')
  .use([...web(), middleware.auth()])

router
  .get('/api/v1/repositories/composition', [ApiAiCodeController, 'composition'])
  .as('api.ai_code.composition')
  .use([middleware.apiAuth(), middleware.tokenScope({ ability: 'read' })])

router
  .get('/api/repositories/composition', [ApiAiCodeController, 'composition'])
  .as('api.ai_code.legacy_composition')
  .use([middleware.apiAuth(), middleware.tokenScope({ ability: 'read' })])

router
  .get('/api/v1/repositories/:publicId/composition', [ApiAiCodeController, 'repositoryComposition'])
  .as('api.ai_code.repository_composition')
  .use([middleware.apiAuth(), middleware.tokenScope({ ability: 'read' })])

router
  .get('/api/v1/repositories/:publicId/gbom', [ApiAiCodeController, 'gbom'])
  .as('api.ai_code.gbom')
  .use([middleware.apiAuth(), middleware.tokenScope({ ability: 'read' })])

router
  .get('/api/v1/repositories/:publicId/pull-requests/:number/gbom', [
    ApiAiCodeController,
    'pullRequestGbom',
  ])
  .as('api.ai_code.pull_request_gbom')
  .use([middleware.apiAuth(), middleware.tokenScope({ ability: 'read' })])
