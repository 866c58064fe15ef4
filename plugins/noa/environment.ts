import { defineSettings } from '#plugin-sdk'

/**
 * The server's environment variables this plugin reads, with their
 * defaults; the loader checks them when the plugin loads.
 */
export const environment = defineSettings({
  NOA_MODEL_TIMEOUT_MS: {
    type: 'number',
    min: 1,
    default: 30_000,
    description: 'how long one call to a model may take before the assistant apologises',
  },
  NOA_THREAD_IDLE_MINUTES: {
    type: 'number',
    min: 0,
    default: 30,
    description: 'a glasses conversation idle for longer than this is over',
  },
  NOA_MAX_IMAGE_BYTES: {
    type: 'number',
    min: 1,
    default: 10 * 1024 * 1024,
    description: 'the largest photo the glasses endpoint accepts',
  },
  NOA_MAX_AUDIO_BYTES: {
    type: 'number',
    min: 1,
    default: 10 * 1024 * 1024,
    description: 'the largest recording the glasses endpoint accepts',
  },
})
