// Renderer entry: lockdown first, then the app over the shared API contract.
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { createKioskClient } from './api/client';
import { installLockdown } from './lockdown';
import { playbackSupported } from './player/hls-setup';

installLockdown(window);
// Marks whether hls.js can play here; the player refuses to start where it cannot.
document.documentElement.dataset.playback = playbackSupported() ? 'hls' : 'unsupported';
const root = document.getElementById('root');
if (root) createRoot(root).render(<App client={createKioskClient()} />);
