import { gzipSync } from 'node:zlib'
import { pack } from 'tar-stream'

export type TarEntry = {
  name: string
  type: 'file' | 'directory' | 'symlink' | 'link'
  content?: string
  linkname?: string
}

/**
 * A gzip tar as Bitbucket's `/get/{sha}.tar.gz` serves it, with the
 * entries written verbatim: "../evil", absolute paths and links
 * included, which is the point of them.
 */
export async function tarball(entries: TarEntry[]) {
  const archive = pack()
  const chunks: Buffer[] = []
  const done = (async () => {
    for await (const chunk of archive) chunks.push(chunk as Buffer)
  })()
  for (const entry of entries) {
    const header = { name: entry.name, type: entry.type, linkname: entry.linkname, mode: 0o644 }
    if (entry.type === 'file') archive.entry(header, entry.content ?? '')
    else archive.entry(header)
  }
  archive.finalize()
  await done
  return gzipSync(Buffer.concat(chunks))
}

/** the top folder Bitbucket wraps a tarball in */
export const tarballFolder = (workspace: string, slug: string, sha: string) =>
  `${workspace}-${slug}-${sha.slice(0, 12)}/`
