import { errors } from '@adonisjs/lucid'
import { computed, type BaseModel } from '@adonisjs/lucid/orm'
import type { LucidModel } from '@adonisjs/lucid/types/model'
import type { NormalizeConstructor } from '@adonisjs/core/types/helpers'
import { publicIds } from '#services/public_id'

/**
 * Gives a model a "publicId" (Sqids) and lookups by it. Every model that
 * reaches a URL, a form or JSON uses this mixin; its primary key is
 * hidden from serialisation by the schema rules.
 */
export function withPublicId(kind: string) {
  const codec = publicIds(kind)

  return <Model extends NormalizeConstructor<typeof BaseModel>>(superclass: Model) => {
    class WithPublicId extends superclass {
      static publicIdKind = kind

      @computed()
      get publicId(): string {
        return codec.encode(this.$primaryKeyValue as number)
      }

      /**
       * The primary key behind a public id, or null when the value is not
       * a valid public id of this kind.
       */
      static keyFromPublicId(publicId: unknown): number | null {
        return codec.decode(publicId)
      }

      static async findByPublicId<T extends LucidModel>(this: T, publicId: unknown) {
        const key = codec.decode(publicId)
        return key === null ? null : this.find(key)
      }

      static async findByPublicIdOrFail<T extends LucidModel>(this: T, publicId: unknown) {
        const key = codec.decode(publicId)
        const row = key === null ? null : await this.find(key)
        if (!row) throw new errors.E_ROW_NOT_FOUND(this)
        return row as InstanceType<T>
      }
    }

    return WithPublicId
  }
}
