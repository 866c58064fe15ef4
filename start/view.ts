/*
|--------------------------------------------------------------------------
| Edge globals
|--------------------------------------------------------------------------
*/
import edge from 'edge.js'
import { assetUrl } from '#services/assets'

edge.global('asset', assetUrl)
edge.global('productName', 'Sextant')
