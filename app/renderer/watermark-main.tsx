// The watermark as a page of its own. The Electron shell shows it in a
// transparent, click-through, always-on-top window above the player window:
// a separate renderer process that the player's renderer cannot reach, so a
// compromised or manipulated player page cannot switch the watermark off.
// It follows the session view from core and draws only while a session plays.
import { useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import type { KioskInfo } from '../shared/api-contract';
import type { SessionView } from '../shared/session-contract';
import { createKioskClient } from './api/client';
import { installLockdown } from './lockdown';
import { Watermark } from './screens/player/Watermark';

function WatermarkOverlay() {
  const [info, setInfo] = useState<KioskInfo | null>(null);
  const [view, setView] = useState<SessionView | null>(null);
  useEffect(() => {
    const client = createKioskClient();
    void client.info().then(setInfo, () => undefined);
    return client.watch(setView, () => undefined);
  }, []);
  if (!info || !info.watermark || view?.screen !== 'viewing') return null;
  return (
    <div className="watermark-overlay" data-testid="watermark-overlay">
      <Watermark viewerName={view.composition.viewer?.name ?? ''} sessionId={view.sessionId ?? ''} deviceId={info.device.id} />
    </div>
  );
}

// The overlay never takes focus or a pointer, but it is a page like any other:
// nothing typed, dropped or wheeled into it may navigate, zoom or open anything.
installLockdown(window);
const root = document.getElementById('root');
if (root) createRoot(root).render(<WatermarkOverlay />);
