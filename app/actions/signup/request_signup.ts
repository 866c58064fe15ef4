import { DateTime } from 'luxon'
import edge from 'edge.js'
import { appUrl } from '#config/app'
import SignupRequest from '#models/signup_request'
import User from '#models/user'
import { sendMail } from '#services/mailer'
import { mayMail } from '#services/mail_throttle'
import type { RequestMeta } from '#services/audit'
import { newUrlToken } from '#services/one_time_tokens'

const LINK_LIFETIME_HOURS = 24

/**
 * First step of open sign-up: mail a single-use link to the address. An
 * address that already has an account gets a reminder to sign in
 * instead; the page answers the same either way, also when the hourly
 * mail limits hold the mail back (see mayMail).
 */
export default class RequestSignup {
  async execute(input: { email: string; meta: RequestMeta }) {
    const email = input.email.trim().toLowerCase()
    if (!(await mayMail(email, { kind: 'address', ip: input.meta.ip }))) return
    if (await User.findBy('email', email)) {
      const data = {
        signInLink: new URL('/sign-in', appUrl).toString(),
        resetLink: new URL('/password/forgot', appUrl).toString(),
      }
      await sendMail({
        to: email,
        subject: 'You already have a Sextant account',
        text: await edge.render('emails/signup_existing_text', data),
        html: await edge.render('emails/signup_existing_html', data),
      })
      return
    }
    const { token, digest } = newUrlToken()
    await SignupRequest.create({
      email,
      tokenHash: digest,
      expiresAt: DateTime.now().plus({ hours: LINK_LIFETIME_HOURS }),
    })
    const data = {
      link: new URL(`/sign-up/${token}`, appUrl).toString(),
      hours: LINK_LIFETIME_HOURS,
    }
    await sendMail({
      to: email,
      subject: 'Create your Sextant organisation',
      text: await edge.render('emails/signup_text', data),
      html: await edge.render('emails/signup_html', data),
    })
  }
}
