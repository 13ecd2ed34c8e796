// The fetch wrapper every API call goes through: same-origin cookie credentials, the CSRF header on
// state-changing requests, `{error:{code,message,field}}` parsed into ApiError, and a hook for 401.

export const API_BASE = '/api/v1'

/** Error codes of docs/api.md plus the client's own (`network`, `invalid_response`). */
export type ApiErrorCode =
  | 'invalid_argument'
  | 'unauthenticated'
  | 'invalid_credentials'
  | 'csrf_failed'
  | 'permission_denied'
  | 'not_found'
  | 'method_not_allowed'
  | 'already_exists'
  | 'conflict'
  | 'failed_precondition'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'internal'
  | 'unavailable'
  | 'network'
  | 'invalid_response'
  | (string & {})

export class ApiError extends Error {
  readonly status: number
  readonly code: ApiErrorCode
  readonly field?: string
  /** Seconds until a retry is allowed (from `Retry-After`), for `rate_limited`. */
  readonly retryAfter?: number
  /** The whole `error` object of the response, for route-specific extras (e.g. `position`). */
  detail: Record<string, unknown> = {}

  constructor(status: number, code: ApiErrorCode, message: string, field?: string, retryAfter?: number) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.field = field
    this.retryAfter = retryAfter
  }
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/** Parses a `Retry-After` header (delta seconds or an HTTP date) into seconds from `now`. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (!value) return undefined
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed)
  const at = Date.parse(trimmed)
  if (Number.isNaN(at)) return undefined
  return Math.max(0, Math.ceil((at - now) / 1000))
}

/** Builds an ApiError from a status, a body text and an optional Retry-After header. */
export function errorFromBody(status: number, bodyText: string, retryAfter: string | null = null): ApiError {
  let code: string | undefined
  let message = ''
  let field: string | undefined
  let detail: Record<string, unknown> = {}
  try {
    const parsed = JSON.parse(bodyText) as { error?: { code?: unknown; message?: unknown; field?: unknown } }
    if (parsed && typeof parsed === 'object' && parsed.error && typeof parsed.error === 'object') {
      detail = parsed.error as Record<string, unknown>
      if (typeof parsed.error.code === 'string') code = parsed.error.code
      if (typeof parsed.error.message === 'string') message = parsed.error.message
      if (typeof parsed.error.field === 'string' && parsed.error.field) field = parsed.error.field
    }
  } catch {
    // Not JSON (a proxy's HTML page, an empty body): fall back to the status below.
  }
  if (!code) code = codeForStatus(status)
  const error = new ApiError(status, code, message || `HTTP ${status}`, field, parseRetryAfter(retryAfter))
  error.detail = detail
  return error
}

function codeForStatus(status: number): ApiErrorCode {
  switch (status) {
    case 400: return 'invalid_argument'
    case 401: return 'unauthenticated'
    case 403: return 'permission_denied'
    case 404: return 'not_found'
    case 405: return 'method_not_allowed'
    case 409: return 'conflict'
    case 413: return 'payload_too_large'
    case 415: return 'unsupported_media_type'
    case 429: return 'rate_limited'
    case 503: return 'unavailable'
    default: return status >= 500 ? 'internal' : 'invalid_response'
  }
}

export type QueryValue = string | number | boolean | null | undefined
export type Query = Record<string, QueryValue>

export interface RequestOptions {
  method?: string
  query?: Query
  body?: unknown
  /** Do not call the 401 hook (login form, the session probe at start). */
  noAuthRedirect?: boolean
  signal?: AbortSignal
}

/** Builds `/api/v1/path?query`, leaving out empty values. */
export function buildUrl(path: string, query?: Query): string {
  const url = API_BASE + (path.startsWith('/') ? path : '/' + path)
  if (!query) return url
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue
    params.set(key, String(value))
  }
  const qs = params.toString()
  return qs ? `${url}?${qs}` : url
}

export class ApiClient {
  private csrfToken = ''
  private onUnauthenticated: (() => void) | null = null

  constructor(private readonly fetchImpl: typeof fetch = (...args) => globalThis.fetch(...args)) {}

  setCsrfToken(token: string): void {
    this.csrfToken = token
  }

  getCsrfToken(): string {
    return this.csrfToken
  }

  /** Called on any 401 unless the request opted out; the app sends the user to the login page. */
  setUnauthenticatedHandler(handler: (() => void) | null): void {
    this.onUnauthenticated = handler
  }

  /** Headers for a request with `method` (the CSRF token on state-changing ones). */
  headersFor(method: string, contentType?: string): Record<string, string> {
    const headers: Record<string, string> = { Accept: 'application/json' }
    if (contentType) headers['Content-Type'] = contentType
    if (STATE_CHANGING.has(method.toUpperCase()) && this.csrfToken) {
      headers['X-CSRF-Token'] = this.csrfToken
    }
    return headers
  }

  /** Handles a failed response's status: fires the 401 hook when appropriate. */
  noteFailure(error: ApiError, noAuthRedirect = false): void {
    if (error.status === 401 && !noAuthRedirect && this.onUnauthenticated) this.onUnauthenticated()
  }

  async request<T>(path: string, options: RequestOptions = {}): Promise<T> {
    const method = (options.method ?? 'GET').toUpperCase()
    const hasBody = options.body !== undefined
    let response: Response
    try {
      response = await this.fetchImpl(buildUrl(path, options.query), {
        method,
        credentials: 'same-origin',
        headers: this.headersFor(method, hasBody ? 'application/json' : undefined),
        body: hasBody ? JSON.stringify(options.body) : undefined,
        signal: options.signal,
      })
    } catch (cause) {
      if (cause instanceof DOMException && cause.name === 'AbortError') throw cause
      throw new ApiError(0, 'network', cause instanceof Error ? cause.message : 'network error')
    }
    const text = await response.text()
    if (!response.ok) {
      const error = errorFromBody(response.status, text, response.headers.get('Retry-After'))
      this.noteFailure(error, options.noAuthRedirect)
      throw error
    }
    if (response.status === 204 || text === '') return undefined as T
    try {
      return JSON.parse(text) as T
    } catch {
      throw new ApiError(response.status, 'invalid_response', 'response is not JSON')
    }
  }

  get<T>(path: string, query?: Query, options: RequestOptions = {}): Promise<T> {
    return this.request<T>(path, { ...options, method: 'GET', query })
  }

  post<T>(path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    return this.request<T>(path, { ...options, method: 'POST', body })
  }

  patch<T>(path: string, body: unknown, options: RequestOptions = {}): Promise<T> {
    return this.request<T>(path, { ...options, method: 'PATCH', body })
  }

  put<T>(path: string, body: unknown, options: RequestOptions = {}): Promise<T> {
    return this.request<T>(path, { ...options, method: 'PUT', body })
  }

  delete<T>(path: string, options: RequestOptions = {}): Promise<T> {
    return this.request<T>(path, { ...options, method: 'DELETE' })
  }
}

/** The one client the app uses. */
export const api = new ApiClient()
