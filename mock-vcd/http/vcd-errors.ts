import type { Request, Response } from 'express';

/**
 * vCD's error bodies. cloudapi answers `{minorErrorCode, message, stackTrace}`; the legacy /api answers the same
 * fields plus `majorErrorCode` (JSON) or an `<Error>` element (XML). Messages carry the request id like vCD's.
 */
export type MinorErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'ACCESS_TO_RESOURCE_IS_FORBIDDEN'
  | 'RESOURCE_NOT_FOUND'
  | 'NOT_ACCEPTABLE'
  | 'DUPLICATE_NAME'
  | 'BUSY_ENTITY'
  | 'REQUEST_ENTITY_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'BAD_GATEWAY'
  | 'GATEWAY_TIMEOUT'
  | 'INTERNAL_SERVER_ERROR';

export interface VcdErrorSpec {
  status: number;
  minorErrorCode: MinorErrorCode;
  message: string;
}

export class VcdError extends Error {
  constructor(
    readonly status: number,
    readonly minorErrorCode: MinorErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new VcdError(400, 'BAD_REQUEST', message);
export const unauthorized = (message = 'This operation is denied: the session is missing, expired or was logged out.') =>
  new VcdError(401, 'UNAUTHORIZED', message);
export const forbidden = (message = 'Either you need some or all of the rights to perform this operation or the target entity is invalid.') =>
  new VcdError(403, 'ACCESS_TO_RESOURCE_IS_FORBIDDEN', message);
export const notFound = (message: string) => new VcdError(404, 'RESOURCE_NOT_FOUND', message);

function wantsXml(req: Request): boolean {
  const accept = req.headers.accept ?? '';
  return /xml/i.test(accept) && !/json/i.test(accept);
}

const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Answers a vCD error in the dialect of the path: cloudapi JSON, or /api JSON/XML by the Accept header. */
export function sendVcdError(req: Request, res: Response, error: VcdErrorSpec): void {
  const requestId = String(res.getHeader('X-VMWARE-VCLOUD-REQUEST-ID') ?? '');
  const message = requestId ? `[ ${requestId} ] ${error.message}` : error.message;
  const legacy = !req.path.startsWith('/cloudapi/');
  if (legacy && wantsXml(req)) {
    res
      .status(error.status)
      .type('application/vnd.vmware.vcloud.error+xml;version=37.0')
      .send(
        `<?xml version="1.0" encoding="UTF-8"?>\n<Error xmlns="http://www.vmware.com/vcloud/v1.5" minorErrorCode="${error.minorErrorCode}" ` +
          `message="${escapeXml(message)}" majorErrorCode="${error.status}" stackTrace=""/>`,
      );
    return;
  }
  const body = legacy
    ? { message, majorErrorCode: error.status, minorErrorCode: error.minorErrorCode, vendorSpecificErrorCode: null, stackTrace: null }
    : { minorErrorCode: error.minorErrorCode, message, stackTrace: null };
  res.status(error.status).type(legacy ? 'application/vnd.vmware.vcloud.error+json;version=37.0' : 'application/json').send(JSON.stringify(body));
}
