/*
|--------------------------------------------------------------------------
| Documents
|--------------------------------------------------------------------------
|
| Evidence documents: any member may look (organization.view); uploading,
| replacing and deleting need documents.upload. File links are signed and
| expire; the API routes take an API token instead of a session, and the
| API upload is read only once the token is checked.
|
*/
import router from '@adonisjs/core/services/router'
import { middleware, web } from '#start/kernel'

const DocumentsController = () => import('#controllers/documents_controller')
const ApiDocumentsController = () => import('#controllers/api/documents_controller')
const ComplianceEvidenceController = () => import('#controllers/compliance_evidence_controller')

router
  .group(() => {
    router.get('/documents', [DocumentsController, 'index']).as('documents.index')
    router
      .post('/documents', [DocumentsController, 'store'])
      .as('documents.store')
      .use(middleware.acceptsUpload({ permission: 'documents.upload' }))
    router.get('/documents/:document', [DocumentsController, 'show']).as('documents.show')
    router.get('/documents/:document/file', [DocumentsController, 'file']).as('documents.file')
    router
      .post('/documents/:document/replace', [DocumentsController, 'replace'])
      .as('documents.replace')
      .use(middleware.acceptsUpload({ permission: 'documents.upload' }))
    router
      .post('/documents/:document/delete', [DocumentsController, 'destroy'])
      .as('documents.destroy')
    router
      .post('/documents/:document/evidence/review', [ComplianceEvidenceController, 'review'])
      .as('documents.evidence.review')
  })
  .use([...web(), middleware.auth()])

router
  .group(() => {
    router
      .get('/documents', [ApiDocumentsController, 'index'])
      .as('api.documents.index')
      .use(middleware.tokenScope({ ability: 'read' }))
    router
      .post('/documents', [ApiDocumentsController, 'store'])
      .as('api.documents.store')
      .use([
        middleware.tokenScope({ ability: 'write', permission: 'documents.upload' }),
        middleware.acceptsUpload(),
      ])
    router
      .get('/documents/:document/file', [ApiDocumentsController, 'file'])
      .as('api.documents.file')
      .use(middleware.tokenScope({ ability: 'read' }))
  })
  .prefix('/api/v1')
  .use(middleware.apiAuth())

/**
 * The old system's document paths, for bookmarks and scripts: the upload
 * page redirects to Documents; the API answers exactly as /api/v1/documents
 * (same token checks, same limits).
 */
router
  .get('/compass/onboarding/upload-documents', ({ response }) =>
    response.redirect().status(301).toPath('/documents')
  )
  .as('documents.legacy.upload_page')
  .use([...web(), middleware.auth()])
router
  .group(() => {
    router
      .get('/documents', [ApiDocumentsController, 'index'])
      .as('api.documents.legacy.index')
      .use(middleware.tokenScope({ ability: 'read' }))
    router
      .post('/documents', [ApiDocumentsController, 'store'])
      .as('api.documents.legacy.store')
      .use([
        middleware.tokenScope({ ability: 'write', permission: 'documents.upload' }),
        middleware.acceptsUpload(),
      ])
  })
  .prefix('/compass/api/v1')
  .use(middleware.apiAuth())
