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
import { readUploadAfterAuthentication } from '#services/token_route_bodies'

const DocumentsController = () => import('#controllers/documents_controller')
const ApiDocumentsController = () => import('#controllers/api/documents_controller')

router
  .group(() => {
    router.get('/documents', [DocumentsController, 'index']).as('documents.index')
    router.post('/documents', [DocumentsController, 'store']).as('documents.store')
    router.get('/documents/:document', [DocumentsController, 'show']).as('documents.show')
    router.get('/documents/:document/file', [DocumentsController, 'file']).as('documents.file')
    router
      .post('/documents/:document/replace', [DocumentsController, 'replace'])
      .as('documents.replace')
    router
      .post('/documents/:document/delete', [DocumentsController, 'destroy'])
      .as('documents.destroy')
  })
  .use([...web(), middleware.auth()])

router
  .group(() => {
    router.get('/documents', [ApiDocumentsController, 'index']).as('api.documents.index')
    router
      .post('/documents', [ApiDocumentsController, 'store'])
      .as('api.documents.store')
      .use(middleware.uploadAfterAuth())
    router
      .get('/documents/:document/file', [ApiDocumentsController, 'file'])
      .as('api.documents.file')
  })
  .prefix('/api/v1')
  .use(middleware.apiAuth())

// the upload is read by uploadAfterAuth, once apiAuth has checked the token
readUploadAfterAuthentication('/api/v1/documents')
