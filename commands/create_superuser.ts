import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * The first administrator. Interactive at a terminal; in scripts:
 *   node ace create:superuser --email a@b.c --password-env ADMIN_PASSWORD
 *   printf '%s' "$PASSWORD" | node ace create:superuser --email a@b.c
 */
export default class CreateSuperuserCommand extends BaseCommand {
  static commandName = 'create:superuser'
  static description = 'Create a superuser (and the first organisation when none exists)'
  static aliases = ['createsuperuser']
  static options: CommandOptions = { startApp: true }

  @flags.string({ description: 'Email address of the new superuser' })
  declare email?: string

  @flags.string({ description: 'Full name' })
  declare name?: string

  @flags.string({ description: 'Read the password from this environment variable' })
  declare passwordEnv?: string

  @flags.string({ description: 'Name of the first organisation, if one must be created' })
  declare organization?: string

  async run() {
    const interactive = Boolean(process.stdin.isTTY) && !this.passwordEnv
    const email = this.email ?? (interactive ? await this.prompt.ask('Email') : undefined)
    if (!email) return this.fail('--email is required when not running interactively')

    let password: string | undefined
    if (this.passwordEnv) {
      password = process.env[this.passwordEnv]
      if (!password)
        return this.fail(`environment variable ${this.passwordEnv} is empty or not set`)
    } else if (interactive) {
      password = await this.prompt.secure('Password (12 characters or more)')
      const again = await this.prompt.secure('Password again')
      if (password !== again) return this.fail('the passwords do not match')
    } else {
      const piped = await readStdin()
      password = piped.replace(/\r?\n$/, '')
      if (!password)
        return this.fail('no password given: use --password-env NAME or pipe it on standard input')
    }

    const { default: CreateSuperuser, SuperuserRefused } =
      await import('#actions/auth/create_superuser')
    const { PasswordRejectedException } = await import('#services/passwords')
    try {
      const result = await new CreateSuperuser().execute({
        email,
        password,
        fullName: this.name,
        organizationName: this.organization,
      })
      this.logger.success(
        `Superuser ${result.user.email} created (owner of "${result.organization.name}")`
      )
      this.logger.info('At first sign-in they will set up two-factor authentication.')
    } catch (error) {
      if (error instanceof SuperuserRefused || error instanceof PasswordRejectedException)
        return this.fail(error.message)
      throw error
    }
  }

  private fail(message: string) {
    this.logger.error(`create:superuser: ${message}`)
    this.exitCode = 1
  }
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return ''
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk))
  return Buffer.concat(chunks).toString('utf8')
}
