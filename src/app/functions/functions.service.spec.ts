import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { firstValueFrom } from 'rxjs';
import { FUNCTIONS_URL, TEST_API_ROOT, TEST_TOKEN, providePluginTesting, wireFunction } from '../../testing/plugin-testing';
import { ApiError } from '../core/api-error';
import { FunctionsService } from './functions.service';

describe('FunctionsService', () => {
  let service: FunctionsService;
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: [...providePluginTesting(), FunctionsService] });
    service = TestBed.inject(FunctionsService);
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => http.verify());

  async function failureOf(promise: Promise<unknown>): Promise<ApiError> {
    try {
      await promise;
    } catch (error) {
      return error as ApiError;
    }
    throw new Error('expected the call to fail');
  }

  it('lists the functions of the session org under the API root with the session token', async () => {
    const listed = firstValueFrom(service.list());
    const req = http.expectOne(`${FUNCTIONS_URL}?limit=500`);
    expect(req.request.method).toBe('GET');
    expect(req.request.headers.get('Authorization')).toBe(`Bearer ${TEST_TOKEN}`);
    expect(req.request.headers.get('Accept')).toBe('application/json');
    req.flush({ items: [wireFunction({ status: 'initializing' })], total: 1 });

    const list = await listed;
    expect(list.total).toBe(1);
    expect(list.items[0]).toEqual(
      jasmine.objectContaining({ name: 'hello', route: 'hello', url: '/api/org/acme/hello', status: 'initializing', runtime: 'nodejs20' }),
    );
    expect(list.items[0].updatedAt).toEqual(new Date('2026-11-25T10:05:00.000Z'));
  });

  it('creates a function with an http trigger on the route the user typed, without surrounding slashes', async () => {
    const created = firstValueFrom(service.create({ name: ' hello ', runtime: 'nodejs20', route: '/hello/', code: 'module.exports = 1' }));
    const req = http.expectOne(FUNCTIONS_URL);
    expect(req.request.method).toBe('POST');
    expect(req.request.headers.get('Content-Type')).toBe('application/json');
    expect(req.request.headers.get('Authorization')).toBe(`Bearer ${TEST_TOKEN}`);
    expect(req.request.body).toEqual({ name: 'hello', runtime: 'nodejs20', code: 'module.exports = 1', trigger: { type: 'http', route: 'hello' } });
    req.flush(wireFunction({ status: 'initializing' }), { status: 202, statusText: 'Accepted' });
    expect((await created).status).toBe('initializing');
  });

  it('reads and deletes one function by its name', async () => {
    const read = firstValueFrom(service.get('hello'));
    http.expectOne(`${FUNCTIONS_URL}/hello`).flush(wireFunction({ status: 'failed', error: { message: 'Unexpected token', line: 2, column: 7 } }));
    expect((await read).error).toEqual({ message: 'Unexpected token', line: 2, column: 7 });

    const deleted = firstValueFrom(service.delete('hello'), { defaultValue: undefined });
    const req = http.expectOne(`${FUNCTIONS_URL}/hello`);
    expect(req.request.method).toBe('DELETE');
    req.flush(null, { status: 204, statusText: 'No Content' });
    await deleted;
  });

  it('turns a problem+json answer into its detail and per-field errors', async () => {
    const failure = failureOf(firstValueFrom(service.create({ name: 'hello', runtime: 'nodejs20', route: 'faas', code: 'x' })));
    http.expectOne(FUNCTIONS_URL).flush(
      {
        type: 'https://vcd-serverless.dev/problems/invalid',
        title: 'Invalid request',
        status: 400,
        detail: 'trigger.route: route starts with a reserved word',
        errors: [{ path: 'trigger.route', message: 'route starts with a reserved word' }],
      },
      { status: 400, statusText: 'Bad Request', headers: { 'Content-Type': 'application/problem+json' } },
    );
    expect(await failure).toEqual({
      status: 400,
      title: 'Invalid request',
      detail: 'trigger.route: route starts with a reserved word',
      fieldErrors: [{ path: 'trigger.route', message: 'route starts with a reserved word' }],
    });
  });

  it("shows vCD's own error message when vCD answers instead of the backend", async () => {
    const failure = failureOf(firstValueFrom(service.get('nope')));
    http
      .expectOne(`${FUNCTIONS_URL}/nope`)
      .flush({ majorErrorCode: 404, minorErrorCode: 'RESOURCE_NOT_FOUND', message: 'No route matches' }, { status: 404, statusText: 'Not Found' });
    const error = await failure;
    expect(error.status).toBe(404);
    expect(error.detail).toBe('No route matches');
  });

  it('reports an unreachable server as status 0 without a detail', async () => {
    const failure = failureOf(firstValueFrom(service.list()));
    http.expectOne(`${FUNCTIONS_URL}?limit=500`).error(new ProgressEvent('error'));
    const error = await failure;
    expect(error.status).toBe(0);
    expect(error.detail).toBeUndefined();
    expect(error.fieldErrors).toEqual([]);
  });

  it("invokes the function's route with GET through vCD and returns its status and pretty body", async () => {
    const invoked = firstValueFrom(service.invoke({ route: 'hello' }));
    const req = http.expectOne(`${TEST_API_ROOT}/api/org/acme/hello`);
    expect(req.request.method).toBe('GET');
    expect(req.request.headers.get('Authorization')).toBe(`Bearer ${TEST_TOKEN}`);
    req.flush('{"message":"Hello world"}', { status: 200, statusText: 'OK', headers: { 'Content-Type': 'application/json' } });
    expect(await invoked).toEqual({ status: 200, contentType: 'application/json', body: '{\n  "message": "Hello world"\n}' });
  });

  it("returns a failing function's answer as its result rather than as an error", async () => {
    const invoked = firstValueFrom(service.invoke({ route: 'tools/echo' }));
    http.expectOne(`${TEST_API_ROOT}/api/org/acme/tools/echo`).flush(
      '{"type":"about:blank","title":"Function failed","status":502,"detail":"handler threw: boom"}',
      { status: 502, statusText: 'Bad Gateway', headers: { 'Content-Type': 'application/problem+json' } },
    );
    const result = await invoked;
    expect(result.status).toBe(502);
    expect(result.body).toContain('"detail": "handler threw: boom"');
  });
});
