// RFC 9457 as the kiosk answers it: every error is problem+json of one of the
// kiosk's own types (app/shared/problem-types.ts), with its fixed title.
import { expect } from 'vitest';
import { PROBLEM_TYPE_BASE, PROBLEM_TYPES } from '../../app/shared/problem-types';

/** Checks one error answer against RFC 9457 and the kiosk's catalogue; returns its body. */
export async function expectProblem(r: Response, what: string): Promise<Record<string, unknown>> {
  expect(r.status, what).toBeGreaterThanOrEqual(400);
  expect(r.headers.get('content-type'), what).toBe('application/problem+json; charset=utf-8');
  const text = await r.text();
  expect(text, what).not.toMatch(/\n\s+at /);
  const body = JSON.parse(text) as Record<string, unknown>;
  expect(typeof body.type, what).toBe('string');
  const type = body.type as string;
  expect(type, what).not.toBe('about:blank');
  expect(type.startsWith(PROBLEM_TYPE_BASE), `${what}: ${type}`).toBe(true);
  const entry = PROBLEM_TYPES[type.slice(PROBLEM_TYPE_BASE.length) as keyof typeof PROBLEM_TYPES];
  expect(entry, `${what}: ${type} is in the catalogue`).toBeDefined();
  expect(body.status, what).toBe(r.status);
  expect(entry.status, what).toBe(r.status);
  expect(body.title, what).toBe(entry.title);
  expect(typeof body.detail === 'string' && body.detail.length > 0, what).toBe(true);
  return body;
}
