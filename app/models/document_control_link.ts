import { DocumentControlLinkSchema } from '#database/schema'

/**
 * A document cited as evidence for a compliance control, by the
 * control's code (e.g. "SOC2-CC6.1"). The controls themselves arrive
 * with the Compliance Detail page, whose table will be joined on
 * control_code; until then the code is validated by its format only.
 */
export default class DocumentControlLink extends DocumentControlLinkSchema {}
