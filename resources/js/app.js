// Small behaviours that need script. Everything works without it; this
// only adds conveniences. No inline script anywhere: CSP forbids it.
document.addEventListener('click', (event) => {
  const button = event.target.closest('[data-dismiss="flash"]')
  if (button) button.closest('.flash')?.remove()
})

// Success messages fade after a while; errors stay until dismissed.
function scheduleFlashRemoval(root) {
  root.querySelectorAll('.flash--success, .flash--info').forEach((flash) => {
    setTimeout(() => flash.remove(), 6000)
  })
}

document.addEventListener('DOMContentLoaded', () => scheduleFlashRemoval(document))
document.addEventListener('htmx:afterSettle', (event) => scheduleFlashRemoval(event.target))

// The organisation switcher submits as soon as another organisation is
// picked (its Switch button remains for keyboard and no-JS users).
document.addEventListener('change', (event) => {
  const select = event.target.closest('select[data-autosubmit]')
  if (select) select.form.requestSubmit()
})

// Copy buttons: [data-copy] names the field whose value (or text) is
// copied. They stay hidden without script, where the field can be
// selected by hand.
function revealCopyButtons(root) {
  root.querySelectorAll('[data-copy][hidden]').forEach((button) => {
    if (navigator.clipboard) button.hidden = false
  })
}
document.addEventListener('DOMContentLoaded', () => revealCopyButtons(document))
document.addEventListener('htmx:afterSettle', (event) => revealCopyButtons(event.target))
document.addEventListener('click', async (event) => {
  const button = event.target.closest('[data-copy]')
  if (!button) return
  const field = document.querySelector(button.dataset.copy)
  if (!field) return
  const text = 'value' in field ? field.value : field.textContent
  const label = button.textContent
  try {
    await navigator.clipboard.writeText(text.trim())
    button.textContent = 'Copied'
  } catch {
    field.select?.()
    button.textContent = 'Press Ctrl+C to copy'
  }
  setTimeout(() => (button.textContent = label), 2000)
})

// The region an htmx request will replace is marked busy while it loads
// (the CSS draws a loading bar on it), and unmarked when it settles or fails.
function busyRegion(event) {
  const target = event.detail?.target
  return target instanceof Element && target !== document.body ? target : null
}
document.addEventListener('htmx:beforeRequest', (event) => {
  busyRegion(event)?.setAttribute('aria-busy', 'true')
})
for (const type of ['htmx:afterRequest', 'htmx:responseError', 'htmx:sendError', 'htmx:timeout']) {
  document.addEventListener(type, (event) => busyRegion(event)?.removeAttribute('aria-busy'))
}

// A form that only hands the browser on to another site (GitHub's App
// manifest form) submits itself; without script its button does.
document.addEventListener('DOMContentLoaded', () => {
  document.querySelector('form[data-submit-on-load]')?.requestSubmit()
})
