import Thread from '../thread.js'

/** the user's own threads in the organisation, most recent first */
export default class ListThreads {
  execute(input: { organizationId: number; userId: number }) {
    return Thread.query()
      .where('organization_id', input.organizationId)
      .where('user_id', input.userId)
      .orderBy('last_message_at', 'desc')
      .orderBy('id', 'desc')
      .limit(200)
  }
}
