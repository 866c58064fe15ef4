/** The providers' list wire formats now live in the plugin test kit. */
export * from '#plugin-sdk/testing/paged_answers'
