import { describe, expect, it, vi } from 'vitest'
import { ApiClient, ApiError, buildUrl, errorFromBody, parseRetryAfter } from './client'
import { importContentType, uploadRaw } from './upload'

function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  })
}

function stubFetch(...responses: Response[]) {
  const fetchMock = vi.fn<typeof fetch>()
  for (const r of responses) fetchMock.mockResolvedValueOnce(r)
  return fetchMock
}

describe('ApiClient', () => {
  it('builds URLs under /api/v1 and drops empty query values', () => {
    expect(buildUrl('/mentions', { q: 'banjir "jalan rusak"', agency_id: 3, platform: '', author: undefined }))
      .toBe('/api/v1/mentions?q=banjir+%22jalan+rusak%22&agency_id=3')
    expect(buildUrl('agencies')).toBe('/api/v1/agencies')
  })

  it('parses JSON and sends cookies without a CSRF header on GET', async () => {
    const fetchMock = stubFetch(jsonResponse(200, { items: [], total: 0 }))
    const client = new ApiClient(fetchMock)
    client.setCsrfToken('tok')
    await expect(client.get('/agencies', { q: 'dinas' })).resolves.toEqual({ items: [], total: 0 })
    const [url, init] = fetchMock.mock.calls[0]
    expect(url).toBe('/api/v1/agencies?q=dinas')
    expect(init?.credentials).toBe('same-origin')
    expect((init?.headers as Record<string, string>)['X-CSRF-Token']).toBeUndefined()
  })

  it('sends the CSRF token and a JSON body on state-changing requests', async () => {
    const fetchMock = stubFetch(jsonResponse(201, { id: 1 }), jsonResponse(200, { id: 1 }), new Response(null, { status: 204 }))
    const client = new ApiClient(fetchMock)
    client.setCsrfToken('s3cret')
    await client.post('/agencies', { name: 'Dinas' })
    await client.patch('/agencies/1', { name: 'Dinas B' })
    await expect(client.post('/auth/logout')).resolves.toBeUndefined()
    for (const [, init] of fetchMock.mock.calls) {
      const headers = init?.headers as Record<string, string>
      expect(headers['X-CSRF-Token']).toBe('s3cret')
    }
    const [, first] = fetchMock.mock.calls[0]
    expect(first?.method).toBe('POST')
    expect(first?.body).toBe('{"name":"Dinas"}')
    expect((first?.headers as Record<string, string>)['Content-Type']).toBe('application/json')
    expect(fetchMock.mock.calls[2][1]?.body).toBeUndefined()
  })

  it('turns error bodies into typed ApiErrors with code and field', async () => {
    const fetchMock = stubFetch(jsonResponse(400, { error: { code: 'invalid_argument', message: 'code: bad', field: 'code' } }))
    const client = new ApiClient(fetchMock)
    const error = await client.post('/agencies', {}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ status: 400, code: 'invalid_argument', field: 'code', message: 'code: bad' })
  })

  it('falls back to a code from the status when the body is not an API error', () => {
    expect(errorFromBody(502, '<html>bad gateway</html>')).toMatchObject({ code: 'internal', status: 502 })
    expect(errorFromBody(404, '')).toMatchObject({ code: 'not_found' })
    expect(errorFromBody(409, '{"error":{"code":"already_exists","message":"taken","field":""}}').field).toBeUndefined()
  })

  it('reads Retry-After on rate_limited', async () => {
    const fetchMock = stubFetch(jsonResponse(429, { error: { code: 'rate_limited', message: 'slow down' } }, { 'Retry-After': '600' }))
    const client = new ApiClient(fetchMock)
    const error = (await client.post('/auth/login', {}, { noAuthRedirect: true }).catch((e: unknown) => e)) as ApiError
    expect(error.code).toBe('rate_limited')
    expect(error.retryAfter).toBe(600)
    expect(parseRetryAfter('Sat, 17 Aug 2024 03:10:00 GMT', Date.parse('2024-08-17T03:00:00Z'))).toBe(600)
    expect(parseRetryAfter('soon')).toBeUndefined()
  })

  it('calls the 401 handler unless the request opted out', async () => {
    const unauth = () => jsonResponse(401, { error: { code: 'unauthenticated', message: 'no session' } })
    const fetchMock = stubFetch(unauth(), unauth(), jsonResponse(401, { error: { code: 'invalid_credentials', message: 'wrong' } }))
    const client = new ApiClient(fetchMock)
    const handler = vi.fn()
    client.setUnauthenticatedHandler(handler)
    await expect(client.get('/agencies')).rejects.toMatchObject({ code: 'unauthenticated' })
    expect(handler).toHaveBeenCalledTimes(1)
    await expect(client.get('/auth/me', undefined, { noAuthRedirect: true })).rejects.toMatchObject({ status: 401 })
    await expect(client.post('/auth/login', {}, { noAuthRedirect: true })).rejects.toMatchObject({ code: 'invalid_credentials' })
    expect(handler).toHaveBeenCalledTimes(1)
  })

  it('reports network failures as code network', async () => {
    const fetchMock = vi.fn<typeof fetch>().mockRejectedValueOnce(new TypeError('Failed to fetch'))
    const client = new ApiClient(fetchMock)
    await expect(client.get('/health')).rejects.toMatchObject({ code: 'network', status: 0 })
  })

  it('rejects a 2xx body that is not JSON', async () => {
    const client = new ApiClient(stubFetch(new Response('<html>', { status: 200 })))
    await expect(client.get('/health')).rejects.toMatchObject({ code: 'invalid_response' })
  })
})

describe('uploadRaw', () => {
  class FakeXhr {
    status = 0
    responseText = ''
    withCredentials = false
    method = ''
    url = ''
    headers: Record<string, string> = {}
    upload: { onprogress: ((e: ProgressEvent) => void) | null } = { onprogress: null }
    onload: (() => void) | null = null
    onerror: (() => void) | null = null
    onabort: (() => void) | null = null
    sent: unknown = null
    open(method: string, url: string) { this.method = method; this.url = url }
    setRequestHeader(name: string, value: string) { this.headers[name] = value }
    getResponseHeader() { return null }
    send(body: unknown) { this.sent = body }
    abort() { this.onabort?.() }
  }

  it('posts the raw file with CSRF header, reports progress and parses the result', async () => {
    const xhr = new FakeXhr()
    const client = new ApiClient(vi.fn<typeof fetch>())
    client.setCsrfToken('tok')
    const progress: number[] = []
    const blob = new Blob(['{"a":1}\n'])
    const handle = uploadRaw<{ imported: number }>({
      path: '/mentions/import', body: blob, contentType: 'application/x-ndjson', client,
      onProgress: (loaded, total) => progress.push(loaded / total),
      xhrFactory: () => xhr as unknown as XMLHttpRequest,
    })
    expect(xhr.method).toBe('POST')
    expect(xhr.url).toBe('/api/v1/mentions/import')
    expect(xhr.withCredentials).toBe(true)
    expect(xhr.headers['X-CSRF-Token']).toBe('tok')
    expect(xhr.headers['Content-Type']).toBe('application/x-ndjson')
    expect(xhr.sent).toBe(blob)
    xhr.upload.onprogress?.({ loaded: 4, total: 8, lengthComputable: true } as ProgressEvent)
    xhr.status = 200
    xhr.responseText = '{"imported":1}'
    xhr.onload?.()
    await expect(handle.promise).resolves.toEqual({ imported: 1 })
    expect(progress).toEqual([0.5])
  })

  it('parses an error and fires the 401 hook', async () => {
    const xhr = new FakeXhr()
    const client = new ApiClient(vi.fn<typeof fetch>())
    const handler = vi.fn()
    client.setUnauthenticatedHandler(handler)
    const handle = uploadRaw({ path: '/mentions/import', body: new Blob(['x']), contentType: 'text/csv', client, xhrFactory: () => xhr as unknown as XMLHttpRequest })
    xhr.status = 401
    xhr.responseText = '{"error":{"code":"unauthenticated","message":"no"}}'
    xhr.onload?.()
    await expect(handle.promise).rejects.toMatchObject({ code: 'unauthenticated' })
    expect(handler).toHaveBeenCalled()
  })

  it('picks the content type from the file name', () => {
    expect(importContentType('export.JSONL')).toBe('application/x-ndjson')
    expect(importContentType('a.ndjson')).toBe('application/x-ndjson')
    expect(importContentType('a.csv')).toBe('text/csv')
    expect(importContentType('a.xlsx')).toBeNull()
  })
})
