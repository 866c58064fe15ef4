import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { withEnv } from '#plugin-sdk/testing'
import type { FakeGitHubCommand } from './process.js'

type Answer = { ok: true; value: any } | { ok: false; error: string }

/**
 * The parent's side of fake GitHub in its own process (process.ts):
 * `bench:github` measures the sync's memory with the fake's seeded data
 * and page serialisation out of its process. The plugin is pointed at it
 * through the environment, as startGitHub() does in-process.
 */
export async function startGitHubProcess() {
  // the sources run through the TypeScript loader, a build runs the .js
  const extension = import.meta.url.endsWith('.ts') ? 'ts' : 'js'
  const child = fork(fileURLToPath(new URL(`./process.${extension}`, import.meta.url)), [], {
    execArgv: extension === 'ts' ? ['--import=@poppinss/ts-exec'] : [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const answers: Array<(answer: Answer) => void> = []
  child.on('message', (answer: Answer) => answers.shift()?.(answer))
  const exited = new Promise<never>((_resolve, reject) =>
    child.once('exit', (code) => reject(new Error(`fake GitHub's process exited (${code})`)))
  )
  exited.catch(() => {})
  const next = () =>
    Promise.race([
      new Promise<any>((resolve, reject) =>
        answers.push((answer) =>
          answer.ok ? resolve(answer.value) : reject(new Error(answer.error))
        )
      ),
      exited,
    ])
  const ready = next()
  const started: { url: string; env: Record<string, string> } = await ready
  const restoreEnv = withEnv(started.env)
  const send = (command: FakeGitHubCommand) => {
    const answer = next()
    child.send(command)
    return answer
  }

  return {
    url: started.url,
    child: child as ChildProcess,
    addInstallation: (id: number, login: string) => send({ op: 'addInstallation', id, login }),
    seedOrganization: (installationId: number, repositories: number, pulls: number) =>
      send({ op: 'seedOrganization', installationId, repositories, pulls }),
    requests: (): Promise<{
      requests: Array<{ path: string; status: number }>
      tokensIssued: number
    }> => send({ op: 'requests' }),
    resetRequests: () => send({ op: 'resetRequests' }),
    async stop() {
      restoreEnv()
      if (child.exitCode !== null) return
      await send({ op: 'stop' }).catch(() => {})
      if (child.exitCode === null) child.kill()
    },
  }
}
