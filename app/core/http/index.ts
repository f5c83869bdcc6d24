// Serving the renderer and its API through one Request -> Response handler.
export { createRequestHandler, type RequestHandler, type HandlerOptions } from './handler';
export { CONTENT_SECURITY_POLICY, securityHeaders, jsonResponse, problemResponse } from './security-headers';
export { parseRange, rangeResponse, type RangeResult } from './range';
