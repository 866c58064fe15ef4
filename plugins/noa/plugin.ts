import { definePlugin, type PluginRouter } from '#plugin-sdk'
import { chatCompletion } from './ai/chat_completion.js'
import { answerGlasses } from './endpoint/glasses_routes.js'
import { environment } from './environment.js'
import registerKnowledgeRoutes from './knowledge/routes.js'
import {
  deleteThread,
  messageImage,
  sendMessage,
  showChat,
  showThread,
  startThread,
  streamThread,
} from './pages/chat_pages.js'
import {
  createModel,
  deleteModel,
  editModel,
  showModels,
  testModel,
  updateModel,
} from './pages/model_pages.js'

/** a spoken question with a photo (each part at most 10 MB by default) and its fields */
const GLASSES_UPLOAD_BYTES = 25 * 1024 * 1024

/** the assistant's pages: any member of the organisation (managing models checks more) */
function registerPages(router: PluginRouter) {
  const page = { absolute: true, permission: 'organization.view' } as const
  router.get('/assistant', showChat, { ...page, name: 'chat.index' })
  router.post('/assistant/threads', startThread, {
    ...page,
    name: 'chat.threads.store',
    upload: { maxBytes: GLASSES_UPLOAD_BYTES },
  })
  router.get('/assistant/threads/:thread', showThread, { ...page, name: 'chat.threads.show' })
  router.post('/assistant/threads/:thread/messages', sendMessage, {
    ...page,
    name: 'chat.messages.store',
    upload: { maxBytes: GLASSES_UPLOAD_BYTES },
  })
  router.get('/assistant/threads/:thread/stream', streamThread, {
    ...page,
    name: 'chat.threads.stream',
  })
  router.post('/assistant/threads/:thread/delete', deleteThread, {
    ...page,
    name: 'chat.threads.destroy',
  })
  router.get('/assistant/messages/:message/image', messageImage, {
    ...page,
    name: 'chat.messages.image',
  })
  // adding, changing and removing a model moves API keys around: a recent password or code check first
  const sensitive = { ...page, reauthenticate: true } as const
  router.get('/assistant/models', showModels, { ...page, name: 'models.index' })
  router.post('/assistant/models', createModel, { ...sensitive, name: 'models.store' })
  router.get('/assistant/models/:model/edit', editModel, { ...page, name: 'models.edit' })
  router.post('/assistant/models/:model', updateModel, { ...sensitive, name: 'models.update' })
  router.post('/assistant/models/:model/delete', deleteModel, {
    ...sensitive,
    name: 'models.destroy',
  })
  router.post('/assistant/models/:model/test', testModel, { ...page, name: 'models.test' })
}

/**
 * The assistant: a server for the Brilliant Labs Noa app (Frame glasses)
 * and a web chat, both answering with the organisation's own
 * OpenAI-compatible models and knowledge base. Nothing to connect: the
 * models are configured on the plugin's pages, and each user's
 * conversations are theirs alone.
 */
export default definePlugin({
  id: 'noa',
  name: 'Noa assistant',
  description:
    'An assistant for the Noa app on Frame glasses and the web, answering with your own AI models and knowledge base.',
  category: 'assistant',
  version: '1.0.0',
  settings: environment,
  permissions: {
    'noa.models.manage': {
      description: "Add, change, test and remove the assistant's AI models and their API keys",
      grantedFrom: 'admin',
    },
    'noa.knowledge.manage': {
      description: "Change the assistant's knowledge base and its settings",
      grantedFrom: 'admin',
    },
  },
  // the AI models' API keys, sealed with { table, column, rowId } (ai/ai_model.ts)
  sealedColumns: [{ table: 'noa_ai_models', column: 'api_key' }],
  // messages go with their thread (ON DELETE CASCADE)
  organizationTables: [
    { table: 'noa_threads' },
    { table: 'noa_ai_models' },
    { table: 'noa_knowledge_entries' },
    { table: 'noa_knowledge_settings' },
  ],
  // the organisation's chat model writes the core's narratives ("What changed")
  chatCompletion,
  views: 'views',
  navigation: [{ label: 'Assistant', path: '/assistant' }],
  commands: [() => import('./commands/bench_noa.js')],
  routes(router) {
    // The Noa app posts to the URL the user typed; AIUI's users typed /mm/mm/.
    const glasses = {
      access: 'token',
      ability: 'assistant',
      absolute: true,
      upload: { maxBytes: GLASSES_UPLOAD_BYTES },
    } as const
    router.post('/noa/mm', answerGlasses, { ...glasses, name: 'glasses' })
    router.post('/mm/mm', answerGlasses, { ...glasses, name: 'glasses_legacy' })
    registerPages(router)
    registerKnowledgeRoutes(router)
  },
})
