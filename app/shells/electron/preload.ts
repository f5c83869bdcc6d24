// Preload: a hand-picked, minimal bridge (VS Code's habit). The renderer gets
// one frozen fact and no Electron or Node API; everything else is the shared
// API contract over the kiosk: scheme.
import { contextBridge } from 'electron';

contextBridge.exposeInMainWorld('kioskBridge', Object.freeze({ shell: 'electron' as const }));
