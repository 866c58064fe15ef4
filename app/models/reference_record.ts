import { ReferenceRecordSchema } from '#database/schema'

/** One peer organisation's value of a reference metric. */
export default class ReferenceRecord extends ReferenceRecordSchema {}
