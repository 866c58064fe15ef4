/*
|--------------------------------------------------------------------------
| AI code
|--------------------------------------------------------------------------
|
| The AI Code Monitor page, and the composition in the token API (also
| at the old system's /api/repositories/composition/).
|
*/
import router from '@adonisjs/core/services/router'
import { middleware, web } from '#start/kernel'

const AiCodeController = () => import('#controllers/ai_code_controller')
const ApiAiCodeController = () => import('#controllers/api/ai_code_controller')

router
  .get('/ai-code', [AiCodeController, 'index'])
  .as('ai_code.index')
  .use([...web(), middleware.auth()])

router
  .get('/api/v1/repositories/composition', [ApiAiCodeController, 'composition'])
  .as('api.ai_code.composition')
  .use([middleware.apiAuth(), middleware.tokenScope({ ability: 'read' })])

router
  .get('/api/repositories/composition', [ApiAiCodeController, 'composition'])
  .as('api.ai_code.legacy_composition')
  .use([middleware.apiAuth(), middleware.tokenScope({ ability: 'read' })])
