/*
|--------------------------------------------------------------------------
| JavaScript entrypoint for running ace commands
|--------------------------------------------------------------------------
|
| Node cannot run the TypeScript sources directly, so this file registers
| the TypeScript loader and then hands over to "bin/console.ts".
|
*/
import '@poppinss/ts-exec'

await import('./bin/console.js')
