import type { NextFunction, Request, Response } from 'express';
import { VcdError } from './vcd-errors';

/** API versions this mock answers to (vCD 10.4 – 10.6). */
export const SUPPORTED_API_VERSIONS = ['36.0', '36.1', '36.2', '36.3', '37.0', '37.1', '37.2', '37.3', '38.0', '38.1', '39.0', '39.1'];

/** The `version=` parameter of an Accept header, or undefined. */
export function requestedApiVersion(accept: string | undefined): string | undefined {
  return /;\s*version\s*=\s*"?([0-9][0-9.]*)"?/i.exec(accept ?? '')?.[1];
}

/** vCD refuses a call without a supported version in Accept with 406, listing what it supports. */
export function requireApiVersion(req: Request, res: Response, next: NextFunction): void {
  const version = requestedApiVersion(req.headers.accept);
  if (version && SUPPORTED_API_VERSIONS.includes(version)) {
    res.locals.apiVersion = version;
    next();
    return;
  }
  next(
    new VcdError(
      406,
      'NOT_ACCEPTABLE',
      `The request has invalid accept header: ${version ? `Invalid API version requested (${version})` : 'no API version requested'}. ` +
        `Supported API versions are: [${SUPPORTED_API_VERSIONS.join(', ')}]; send e.g. "Accept: application/json;version=37.0".`,
    ),
  );
}
