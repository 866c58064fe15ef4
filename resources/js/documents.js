// Document uploads: the drop zone and the progress bar. Without this
// script the upload form is a plain multipart form with a file input.
// Listeners are on the document, so pages swapped in by htmx need nothing.

function zoneOf(target) {
  return target instanceof Element ? target.closest('[data-dropzone]') : null
}

function listFiles(zone, files) {
  const list = zone.querySelector('[data-dropzone-files]')
  if (!list) return
  list.replaceChildren(
    ...Array.from(files).map((file) => {
      const item = document.createElement('li')
      item.textContent = file.name
      return item
    })
  )
}

for (const type of ['dragenter', 'dragover']) {
  document.addEventListener(type, (event) => {
    const zone = zoneOf(event.target)
    if (!zone || !event.dataTransfer?.types.includes('Files')) return
    event.preventDefault()
    event.dataTransfer.dropEffect = 'copy'
    zone.classList.add('dropzone--active')
  })
}

document.addEventListener('dragleave', (event) => {
  const zone = zoneOf(event.target)
  if (zone && !zone.contains(event.relatedTarget)) zone.classList.remove('dropzone--active')
})

// Dropped files go into the form's own file input, so the form sends
// them exactly as if they had been chosen.
document.addEventListener('drop', (event) => {
  const zone = zoneOf(event.target)
  if (!zone) return
  event.preventDefault()
  zone.classList.remove('dropzone--active')
  const input = zone.querySelector('[data-file-input]')
  if (!input || !event.dataTransfer?.files.length) return
  const transfer = new DataTransfer()
  for (const file of event.dataTransfer.files) transfer.items.add(file)
  input.files = transfer.files
  listFiles(zone, input.files)
})

document.addEventListener('change', (event) => {
  const input = event.target.closest?.('[data-file-input]')
  const zone = input && zoneOf(input)
  if (zone) listFiles(zone, input.files)
})

// htmx reports upload progress on the form it sends (forms are boosted).
document.addEventListener('htmx:xhr:progress', (event) => {
  const form = event.target.closest?.('[data-upload-form]')
  const bar = form?.querySelector('[data-upload-progress]')
  if (!bar || !event.detail.lengthComputable) return
  bar.hidden = false
  bar.value = Math.round((event.detail.loaded / event.detail.total) * 100)
})
