import type { PluginRouter } from '#plugin-sdk'
import {
  askKnowledgeApi,
  deleteKnowledgeApi,
  listKnowledgeApi,
  storeKnowledgeApi,
} from './api_handlers.js'
import {
  addDocument,
  deleteDocument,
  deleteEntry,
  saveSettings,
  showKnowledge,
  tryQuestion,
} from './page_handlers.js'

/**
 * The knowledge base's routes: the token API (/api/v1/knowledge) and the
 * management page (/assistant/knowledge). The plugin's routes() calls
 * this.
 */
export default function registerKnowledgeRoutes(router: PluginRouter) {
  const api = { access: 'token', absolute: true } as const
  router.post('/api/v1/knowledge', storeKnowledgeApi, { ...api, name: 'knowledge.api.store' })
  router.get('/api/v1/knowledge', listKnowledgeApi, { ...api, name: 'knowledge.api.index' })
  router.post('/api/v1/knowledge/ask', askKnowledgeApi, {
    ...api,
    ability: 'read',
    name: 'knowledge.api.ask',
  })
  router.delete('/api/v1/knowledge/:entry', deleteKnowledgeApi, {
    ...api,
    name: 'knowledge.api.destroy',
  })

  const page = { absolute: true } as const
  router.get('/assistant/knowledge', showKnowledge, { ...page, name: 'knowledge.index' })
  router.post('/assistant/knowledge/try', tryQuestion, { ...page, name: 'knowledge.try' })
  router.post('/assistant/knowledge/documents', addDocument, {
    ...page,
    name: 'knowledge.documents.store',
  })
  router.post('/assistant/knowledge/documents/delete', deleteDocument, {
    ...page,
    name: 'knowledge.documents.destroy',
  })
  router.post('/assistant/knowledge/entries/:entry/delete', deleteEntry, {
    ...page,
    name: 'knowledge.entries.destroy',
  })
  router.post('/assistant/knowledge/settings', saveSettings, {
    ...page,
    name: 'knowledge.settings',
  })
}
