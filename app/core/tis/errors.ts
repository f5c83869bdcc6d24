// Errors of the TIS client. Each names the URL and a stable rule id; none
// carries key or certificate material, nor a byte of the downloaded body.
import { KioskError, type KioskErrorCode } from '../errors';
import { problem } from '../../shared/problem';

export type TisRule =
  | 'tis.timeout'
  | 'tis.network'
  | 'tis.tls.server-untrusted'
  | 'tis.tls.client-rejected'
  | 'tis.http.status'
  | 'tis.http.malformed'
  | 'tis.case.unknown'
  | 'tis.redirect-refused'
  | 'tis.href-origin'
  | 'tis.encoding-refused'
  | 'tis.json.too-large'
  | 'tis.json.content-type'
  | 'tis.json.syntax'
  | 'tis.json.depth'
  | 'tis.listing.schema'
  | 'tis.listing.case-mismatch'
  | 'tis.body.too-long'
  | 'tis.body.short'
  | 'tis.body.size-mismatch'
  | 'tis.range.mismatch'
  | 'tis.repr-digest.malformed'
  | 'tis.hash-mismatch'
  | 'tis.part.not-ready'
  | 'tis.report.rejected'
  | 'tis.report.key'
  | 'tis.checkpoint.refused'
  | 'tis.checkpoint.content-type';

const CODE: Record<TisRule, KioskErrorCode> = {
  'tis.timeout': 'environment',
  'tis.network': 'environment',
  'tis.tls.server-untrusted': 'refused',
  'tis.tls.client-rejected': 'refused',
  'tis.http.status': 'refused',
  'tis.http.malformed': 'invalid-input',
  'tis.case.unknown': 'not-found',
  'tis.redirect-refused': 'refused',
  'tis.href-origin': 'refused',
  'tis.encoding-refused': 'refused',
  'tis.json.too-large': 'refused',
  'tis.json.content-type': 'invalid-input',
  'tis.json.syntax': 'invalid-input',
  'tis.json.depth': 'invalid-input',
  'tis.listing.schema': 'invalid-input',
  'tis.listing.case-mismatch': 'invalid-input',
  'tis.body.too-long': 'integrity',
  'tis.body.short': 'integrity',
  'tis.body.size-mismatch': 'integrity',
  'tis.range.mismatch': 'invalid-input',
  'tis.repr-digest.malformed': 'invalid-input',
  'tis.hash-mismatch': 'integrity',
  'tis.part.not-ready': 'not-found',
  'tis.report.rejected': 'refused',
  'tis.report.key': 'usage',
  'tis.checkpoint.refused': 'integrity',
  'tis.checkpoint.content-type': 'invalid-input',
};

export class TisError extends KioskError {
  constructor(
    readonly rule: TisRule,
    readonly url: string,
    message: string,
    /** Worth another attempt (network trouble, 5xx); never for integrity or policy failures. */
    readonly retryable = false,
    problems = [problem(url, rule, message)],
  ) {
    super(CODE[rule], `${url}: ${rule}: ${message}`, problems);
  }
}

const SERVER_CERT_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

/** Maps whatever node:https threw to a TisError; Node's message is kept only for unknown codes. */
export function classify(e: unknown, url: string): TisError {
  if (e instanceof TisError) return e;
  const err = e as NodeJS.ErrnoException;
  const code = typeof err?.code === 'string' ? err.code : '';
  if (SERVER_CERT_CODES.has(code)) {
    return new TisError('tis.tls.server-untrusted', url, `the server's certificate is not trusted (${code})`);
  }
  if (code.startsWith('ERR_SSL_') && code.includes('ALERT')) {
    return new TisError('tis.tls.client-rejected', url, `the server refused the TLS handshake (${code})`);
  }
  if (code.startsWith('HPE_')) {
    return new TisError('tis.http.malformed', url, `malformed HTTP from the server (${code})`);
  }
  if (NETWORK_CODES.has(code)) return new TisError('tis.network', url, `connection failed (${code})`, true);
  return new TisError('tis.network', url, `connection failed (${code || (err instanceof Error ? err.message : String(e))})`, true);
}
