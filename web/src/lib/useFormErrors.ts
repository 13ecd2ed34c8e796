// Field errors of a form: client-side checks and server ApiErrors (code + field) shown beside fields.
import { reactive, ref } from 'vue'
import { ApiError } from '@/api/client'
import { errorText, fieldErrorText } from './errors'

export function useFormErrors() {
  const fields = reactive<Record<string, string>>({})
  const general = ref('')

  function clear() {
    for (const key of Object.keys(fields)) delete fields[key]
    general.value = ''
  }

  function set(field: string, message: string) {
    fields[field] = message
  }

  /** Shows `error` beside its field when it names one the form has, otherwise as a banner. */
  function fromError(error: unknown, known: string[] = []) {
    if (error instanceof ApiError && error.field) {
      const leaf = error.field.split('.').pop() ?? error.field
      const key = known.includes(error.field) ? error.field : known.includes(leaf) ? leaf : ''
      if (key) {
        fields[key] = fieldErrorText(error)
        return
      }
      general.value = `${errorText(error)} (${error.field})`
      return
    }
    general.value = errorText(error)
  }

  const hasErrors = () => Object.keys(fields).length > 0

  return { fields, general, clear, set, fromError, hasErrors }
}
