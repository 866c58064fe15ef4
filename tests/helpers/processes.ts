import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'

export const projectRoot = fileURLToPath(new URL('../../', import.meta.url))

/**
 * A child process runs against what this test run uses: it inherits this
 * process's environment, which holds the .env.test values the runner
 * loaded (test database, keys) and the addresses of the loopback servers
 * started for the run or by the test (SMTP, S3, the fake provider, fake
 * GitHub), plus the test's own variables on top. Colour is off so its
 * output reads as plain text.
 */
function baseEnv(extra: Record<string, string | undefined>) {
  const env: Record<string, string | undefined> = {
    ...process.env,
    FORCE_COLOR: '0',
    NO_COLOR: '1',
  }
  return { ...env, ...extra }
}

export type CommandResult = { code: number | null; stdout: string; stderr: string }

/**
 * Runs "node ace <args>" from the project root, as an operator would.
 */
export function runAce(
  args: string[],
  env: Record<string, string | undefined> = {},
  timeoutMs = 60_000
) {
  return runNode(['ace.js', ...args], env, timeoutMs)
}

export function runNode(
  args: string[],
  env: Record<string, string | undefined> = {},
  timeoutMs = 60_000
) {
  return new Promise<CommandResult>((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: projectRoot,
      env: baseEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`node ${args.join(' ')} timed out\n${stdout}\n${stderr}`))
    }, timeoutMs)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

export type ServerProcess = {
  child: ChildProcess
  port: number
  output: () => string
  exited: Promise<number | null>
}

/**
 * Starts the real HTTP server (bin/server.ts) in its own process.
 */
export async function startServer(
  env: Record<string, string | undefined>,
  options: {
    /** the compiled server (`node ace build`: build/bin/server.js) instead of the sources */
    built?: boolean
    /** Node and V8 flags, before the script (e.g. deployedNodeFlags() in bench/support.ts) */
    nodeFlags?: string[]
  } = {}
): Promise<ServerProcess> {
  const port = await freePort()
  const flags = options.nodeFlags ?? []
  const args = options.built
    ? [...flags, 'bin/server.js']
    : [...flags, '--import', '@poppinss/ts-exec', 'bin/server.ts']
  const child = spawn(process.execPath, args, {
    cwd: options.built ? `${projectRoot}build` : projectRoot,
    env: baseEnv({
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_PRETTY: 'false',
      LOG_LEVEL: 'info',
      ...env,
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (chunk) => (output += chunk))
  child.stderr!.on('data', (chunk) => (output += chunk))
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
  return { child, port, output: () => output, exited }
}

/**
 * Polls a URL until it answers 200 or the deadline passes.
 */
export async function waitForOk(url: string, timeoutMs = 45_000) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url)
      if (response.ok) return response
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`)
}

export async function stopServer(server: ServerProcess) {
  if (server.child.exitCode === null) server.child.kill('SIGTERM')
  const timer = setTimeout(() => server.child.kill('SIGKILL'), 5000)
  await server.exited
  clearTimeout(timer)
}

export type AceProcess = {
  pid: number
  output: () => string
  /** SIGTERM (SIGKILL after 10 s); resolves with the exit code */
  stop: () => Promise<number | null>
  /** SIGKILL at once, as a crash or the OOM killer would; resolves once it is gone */
  kill: () => Promise<void>
}

/**
 * A long-running "node ace <args>" (queue:work, scheduler:run) in its own
 * process, until stop() is called.
 */
export function startAce(args: string[], env: Record<string, string | undefined>): AceProcess {
  const child = spawn(process.execPath, ['ace.js', ...args], {
    cwd: projectRoot,
    env: baseEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk) => (output += chunk))
  child.stderr.on('data', (chunk) => (output += chunk))
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
  return {
    pid: child.pid!,
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      const code = await exited
      clearTimeout(timer)
      return code
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      await exited
    },
  }
}
