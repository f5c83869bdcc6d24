// Court IT runs `kioskctl selftest` after provisioning a device.
import { describe, expect, it } from 'vitest';
import { DEMO_CARRIER } from '../helpers/demo';
import { kioskctlJson } from '../helpers/kioskctl';
import { scratch } from '../helpers/paths';

describe('kioskctl selftest', () => {
  it('[DC-6] [DC-2] [DC-4] passes on a fresh data directory: import, verify, session, ranges, log verify, report export', () => {
    const r = kioskctlJson<{ ok: boolean; steps: Array<{ name: string; ok: boolean; detail: string }> }>(['selftest'], {
      KIOSK_DATA_DIR: scratch(),
      KIOSK_DEMO_CARRIER: DEMO_CARRIER,
    });
    expect(r.json.steps.filter((s) => !s.ok)).toEqual([]);
    expect(r.json.steps.map((s) => s.name)).toEqual([
      'demo carrier', 'open a scratch kiosk', 'import the demo carrier', 'verify the store', 'a clerk opens a session',
      'the viewer plays ranges', 'the session ends', 'the viewing log verifies', 'the report is exported',
    ]);
    // The store's cipher is the native one (native/aead, built by setup.sh), and court IT reads so here.
    expect(r.json.steps.find((s) => s.name === 'verify the store')?.detail).toMatch(/store cipher: OpenSSL EVP \(native\/aead\); TIS download TLS: OpenSSL on its own thread \(native\/tls\)$/);
    expect(r.json.ok).toBe(true);
    expect(r.code).toBe(0);
  }, 180_000);
});
