// The administrator screen's calls answer every failure as a value: a core
// that cannot be reached is status 0 with a Problem, never a rejection that
// would leave a form busy or an export 'checking' for good.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { adminApi } from '../../app/renderer/screens/admin/admin-api';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('adminApi', () => {
  it('[Q-1] a request that cannot reach core resolves as a refusal with status 0', async () => {
    vi.stubGlobal('fetch', () => Promise.reject(new TypeError('Failed to fetch')));
    await expect(adminApi.overview()).resolves.toEqual({
      ok: false,
      status: 0,
      problem: { file: '/api/admin/overview', rule: 'admin.unreachable', message: 'Failed to fetch' },
    });
    const started = await adminApi.startExport({ caseSignature: 'I C 1/25', target: '/media/usb', purpose: 'supervisory', recipient: 'x', first: { accountId: 'a', secret: '1' }, second: { accountId: 'b', secret: '2' } });
    expect(started.ok ? null : [started.status, started.problem?.rule]).toEqual([0, 'admin.unreachable']);
  });

  it("core's refusal still comes back with its Problem, and an answer with its value", async () => {
    const problem = { file: 'admin/complete', rule: 'pl3.date.format', message: 'bad date', field: 'date' };
    vi.stubGlobal('fetch', () => Promise.resolve(new Response(JSON.stringify({ problem }), { status: 422 })));
    await expect(adminApi.complete({ ref: 'r', version: 1, date: 'x' })).resolves.toEqual({ ok: false, status: 422, problem });
    vi.stubGlobal('fetch', () => Promise.resolve(new Response(JSON.stringify({ status: 'completed' }), { status: 200 })));
    await expect(adminApi.complete({ ref: 'r', version: 1, date: 'x' })).resolves.toEqual({ ok: true, value: { status: 'completed' } });
  });
});
