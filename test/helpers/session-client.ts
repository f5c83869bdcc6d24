// Drives the review session over the web shell's HTTP API, as the renderer does.
import type { SessionView } from '../../app/shared/session-contract';
import { pageHeaders, sessionCookie, type Launchable } from './launch';

export class SessionClient {
  private constructor(
    private readonly origin: string,
    private readonly cookie: string,
  ) {}

  /** A client with the launch's session cookie (exchanged once per launch, then shared). */
  static async connect(served: Launchable): Promise<SessionClient> {
    return new SessionClient(served.origin, await sessionCookie(served));
  }

  async view(): Promise<SessionView> {
    const r = await fetch(`${this.origin}/api/session`, { headers: { cookie: this.cookie } });
    return (await r.json()) as SessionView;
  }

  /** GET any API route with this client's cookie (the administrator's overview, say). */
  async get<T>(route: string): Promise<{ status: number; json: T }> {
    const r = await fetch(`${this.origin}${route}`, { headers: { cookie: this.cookie } });
    return { status: r.status, json: (await r.json()) as T };
  }

  async send(event: Record<string, unknown>): Promise<{ status: number; view: SessionView; problem?: { rule: string } }> {
    const r = await fetch(`${this.origin}/api/session`, {
      method: 'POST',
      headers: { ...pageHeaders(this.origin, this.cookie), 'content-type': 'application/json' },
      body: JSON.stringify(event),
    });
    const body = (await r.json()) as SessionView | { view: SessionView; problem: { rule: string } };
    return 'problem' in body ? { status: r.status, view: body.view, problem: body.problem } : { status: r.status, view: body };
  }

  /** Sends an event and waits until the view satisfies `until` (effects such as PIN checks settle asynchronously). */
  async sendUntil(event: Record<string, unknown>, until: (v: SessionView) => boolean, timeoutMs = 20_000): Promise<SessionView> {
    let v = (await this.send(event)).view;
    const end = Date.now() + timeoutMs;
    while (!until(v)) {
      if (Date.now() > end) throw new Error(`session did not reach the expected view after ${event.type as string}: ${v.state}`);
      await new Promise((r) => setTimeout(r, 100));
      v = await this.view();
    }
    return v;
  }
}

/** A clerk signs in and composes a session for the demo PL case, all but the confirmation. */
export async function composeDemoSession(c: SessionClient, caseSig = 'KM 123/24', identifier = 'KM12324-20240305-01', minutes = 30): Promise<SessionView> {
  await c.sendUntil({ type: 'clerk.begin' }, (v) => v.screen === 'authenticating');
  await c.sendUntil({ type: 'clerk.pin', accountId: 'demo-clerk', pin: '1234' }, (v) => v.screen === 'composing');
  await c.sendUntil({ type: 'compose.case', query: caseSig }, (v) => v.composition.lookup === 'found');
  await c.send({ type: 'compose.recordings', recordings: [{ identifier, version: 0 }] });
  await c.send({ type: 'compose.viewer', name: 'Jan Strona', documentType: 'id-card', documentLast4: '1234', purpose: 'zapoznanie się z aktami' });
  return c.sendUntil({ type: 'compose.time', minutes }, (v) => v.composition.complete);
}

/** A clerk opens a session for the demo PL case and the viewer starts playing. */
export async function openDemoSession(c: SessionClient, caseSig = 'KM 123/24', identifier = 'KM12324-20240305-01', minutes = 30): Promise<SessionView> {
  await composeDemoSession(c, caseSig, identifier, minutes);
  await c.sendUntil({ type: 'compose.confirm' }, (v) => v.screen === 'handover' || v.screen === 'blocked');
  return c.sendUntil({ type: 'handover.viewerReady' }, (v) => v.screen === 'viewing');
}

/** Back to the attract screen from wherever the last test left the session (viewing, summary, composing). */
export async function backToLocked(c: SessionClient): Promise<SessionView> {
  let v = await c.view();
  for (let i = 0; i < 4 && v.screen !== 'locked'; i++) {
    const event = v.screen === 'viewing' ? 'viewer.end' : v.screen === 'ended' ? 'summary.close' : 'clerk.cancel';
    v = (await c.send({ type: event })).view;
  }
  return v;
}
