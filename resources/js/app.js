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
