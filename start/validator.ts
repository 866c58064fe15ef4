/*
|--------------------------------------------------------------------------
| Validation messages in the product's own words
|--------------------------------------------------------------------------
|
| Vine's defaults read like "The email field must be defined". Every form
| shows these instead; a validator can still pass its own messages.
|
*/
import vine, { SimpleMessagesProvider } from '@vinejs/vine'

const FIELD_NAMES: Record<string, string> = {
  email: 'email address',
  fullName: 'full name',
  password: 'password',
  passwordConfirmation: 'password confirmation',
  currentPassword: 'current password',
  name: 'name',
  code: 'code',
  role: 'role',
  from: 'start date',
  to: 'end date',
  baseUrl: 'base URL',
  apiKey: 'API key',
  expiresInDays: 'number of days',
}

export const validationMessages = new SimpleMessagesProvider(
  {
    'required': 'Enter the {{ field }}.',
    'string': 'Enter the {{ field }} as text.',
    'email': 'Enter a valid email address, like name@example.com.',
    'url': 'Enter a full URL, starting with https://.',
    'regex': 'The {{ field }} is not in the expected format.',
    'minLength': 'The {{ field }} needs at least {{ min }} characters.',
    'maxLength': 'The {{ field }} can be at most {{ max }} characters.',
    'fixedLength': 'The {{ field }} must be exactly {{ size }} characters.',
    'confirmed': 'The two passwords do not match.',
    'in': 'Choose one of the offered values for the {{ field }}.',
    'enum': 'Choose one of the offered values for the {{ field }}.',
    'number': 'Enter the {{ field }} as a number.',
    'min': 'The {{ field }} must be at least {{ min }}.',
    'max': 'The {{ field }} must be at most {{ max }}.',
    'range': 'The {{ field }} must be between {{ min }} and {{ max }}.',
    'withoutDecimals': 'Enter the {{ field }} as a whole number.',
    'boolean': 'The {{ field }} must be on or off.',
    'array': 'The {{ field }} must be a list.',
    'date': 'Enter the {{ field }} as a date (YYYY-MM-DD).',
    'file': 'Choose a file for the {{ field }}.',
    'file.size': 'The file is larger than {{ size }}.',
    'file.extname': 'This kind of file is not accepted; use {{ extnames }}.',
    'workingDays.required': 'Tick at least one working day.',
    'workingDays.minLength': 'Tick at least one working day.',
    'workingDayStarts.required': 'Give the time the working day starts (HH:MM).',
    'workingDayStarts.regex': 'Give the time the working day starts as HH:MM.',
    'workingDayEnds.required': 'Give the time the working day ends (HH:MM).',
    'workingDayEnds.regex': 'Give the time the working day ends as HH:MM.',
  },
  FIELD_NAMES
)

vine.messagesProvider = validationMessages

/**
 * Only numbers and text convert to numbers. Vine's default turns `true`
 * into 1 and `["5"]` into 5, so a JSON body could pass a boolean or a
 * list where a form field means a number; those are refused as "not a
 * number" on every validator at once.
 */
const asNumber = vine.helpers.asNumber.bind(vine.helpers)
vine.helpers.asNumber = (value: unknown) =>
  typeof value === 'number' || typeof value === 'string' ? asNumber(value) : Number.NaN
