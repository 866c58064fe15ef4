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
