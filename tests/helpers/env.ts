/** Setting environment variables for one test now lives in the plugin test kit. */
export { withEnv } from '#plugin-sdk/testing/env'
