// Passkeys (WebAuthn) for the security settings and the second sign-in
// step. Uses @simplewebauthn/browser (served from our origin as
// /assets/webauthn.*.js, global SimpleWebAuthnBrowser). Buttons carry
// data-passkey="register" or data-passkey="sign-in".

function csrfToken() {
  try {
    const shell = document.querySelector('[data-shell]')
    return JSON.parse(shell?.getAttribute('hx-headers') || '{}')['X-CSRF-TOKEN'] || ''
  } catch {
    return ''
  }
}

async function requestJson(url, init = {}) {
  const response = await fetch(url, {
    credentials: 'same-origin',
    ...init,
    headers: { 'accept': 'application/json', 'x-csrf-token': csrfToken(), ...(init.headers || {}) },
  })
  const body = await response.json().catch(() => ({}))
  if (body.redirect && !response.ok) {
    window.location.assign(body.redirect)
    throw new Error(body.errors?.[0]?.message || 'Redirecting…')
  }
  if (!response.ok) throw new Error(body.errors?.[0]?.message || `Request failed (${response.status})`)
  return body
}

function showError(button, message) {
  const target = document.getElementById(button.dataset.errorTarget || 'passkey-error')
  if (target) {
    target.textContent = message
    target.hidden = false
  }
}

async function registerPasskey(button) {
  const optionsJSON = await requestJson('/settings/passkeys/options')
  const credential = await window.SimpleWebAuthnBrowser.startRegistration({ optionsJSON })
  const label = document.getElementById('passkey-label')?.value || ''
  const result = await requestJson('/settings/passkeys', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ credential, label }),
  })
  window.location.assign(result.redirect)
  return button
}

async function signInWithPasskey(button) {
  const optionsJSON = await requestJson('/sign-in/passkey/options')
  const credential = await window.SimpleWebAuthnBrowser.startAuthentication({ optionsJSON })
  const result = await requestJson('/sign-in/passkey', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ credential }),
  })
  window.location.assign(result.redirect)
  return button
}

document.addEventListener('click', (event) => {
  const button = event.target.closest('[data-passkey]')
  if (!button) return
  event.preventDefault()
  if (!window.PublicKeyCredential || !window.SimpleWebAuthnBrowser) {
    showError(button, 'This browser does not support passkeys.')
    return
  }
  button.disabled = true
  const action = button.dataset.passkey === 'register' ? registerPasskey : signInWithPasskey
  action(button)
    .catch((error) => showError(button, error.name === 'NotAllowedError' ? 'The passkey prompt was cancelled.' : error.message))
    .finally(() => {
      button.disabled = false
    })
})

// Passkey buttons need script: they stay hidden without it.
document.querySelectorAll('[data-passkey]').forEach((button) => {
  button.hidden = false
})
document.addEventListener('htmx:afterSettle', () => {
  document.querySelectorAll('[data-passkey]').forEach((button) => {
    button.hidden = false
  })
})
