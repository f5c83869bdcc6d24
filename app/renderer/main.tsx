// Renderer entry: lockdown first, then the app over the shared API contract.
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { createKioskClient } from './api/client';
import { installLockdown } from './lockdown';

installLockdown(window);
const root = document.getElementById('root');
if (root) createRoot(root).render(<App client={createKioskClient()} />);
