// Raw-body upload with progress (XMLHttpRequest: fetch has no upload progress), for mention imports.
import { ApiError, api, buildUrl, errorFromBody, type ApiClient } from './client'

export interface UploadOptions {
  path: string
  body: Blob
  contentType: string
  onProgress?: (loaded: number, total: number) => void
  client?: ApiClient
  /** Injected in tests. */
  xhrFactory?: () => XMLHttpRequest
}

export interface UploadHandle<T> {
  promise: Promise<T>
  abort: () => void
}

/** Content type for an import file, from its name: JSONL/NDJSON or CSV; null when unsupported. */
export function importContentType(fileName: string): string | null {
  const lower = fileName.toLowerCase()
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) return 'application/x-ndjson'
  if (lower.endsWith('.csv')) return 'text/csv'
  return null
}

export function uploadRaw<T>(options: UploadOptions): UploadHandle<T> {
  const client = options.client ?? api
  const xhr = options.xhrFactory ? options.xhrFactory() : new XMLHttpRequest()
  const promise = new Promise<T>((resolve, reject) => {
    xhr.open('POST', buildUrl(options.path))
    xhr.withCredentials = true
    for (const [name, value] of Object.entries(client.headersFor('POST', options.contentType))) {
      xhr.setRequestHeader(name, value)
    }
    xhr.upload.onprogress = (event) => {
      if (options.onProgress) options.onProgress(event.loaded, event.lengthComputable ? event.total : options.body.size)
    }
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        try {
          resolve(JSON.parse(xhr.responseText) as T)
        } catch {
          reject(new ApiError(xhr.status, 'invalid_response', 'response is not JSON'))
        }
        return
      }
      const error = errorFromBody(xhr.status, xhr.responseText, xhr.getResponseHeader('Retry-After'))
      client.noteFailure(error)
      reject(error)
    }
    xhr.onerror = () => reject(new ApiError(0, 'network', 'network error'))
    xhr.onabort = () => reject(new DOMException('aborted', 'AbortError'))
    xhr.send(options.body)
  })
  return { promise, abort: () => xhr.abort() }
}
