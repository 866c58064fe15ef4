import type { Group } from '@japa/runner/core'
import { resetDatabase } from '#tests/helpers/database'
import { startFakeModelServer, type FakeModelServer } from '../fake_model/fake_model_server.js'

/**
 * The setup of a group that talks to the fake model provider: one server for
 * the group, emptied of its recorded requests and failures before each test,
 * and an empty database before each test. The server exists only once the
 * group has started, hence the function.
 */
export function useFakeModelServer(group: Group): () => FakeModelServer {
  let fake: FakeModelServer | undefined
  group.setup(async () => {
    fake = await startFakeModelServer()
    return () => fake!.close()
  })
  group.each.setup(() => fake!.reset())
  group.each.setup(resetDatabase)
  return () => fake!
}
