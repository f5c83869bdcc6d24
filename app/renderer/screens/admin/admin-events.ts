// The administrator event stream (/api/admin/events): core pushes the
// carriers view and the case-file system's view, each as a typed AdminEvent,
// at once and after every change. One EventSource for the screen.
import { useEffect, useState } from 'react';
import { CARRIER_ROUTES, type AdminEvent, type CarriersView, type TisView } from '../../../shared/carriers-contract';

export interface AdminLive {
  readonly carriers: CarriersView | null;
  readonly tis: TisView | null;
}

export function useAdminEvents(): AdminLive {
  const [live, setLive] = useState<AdminLive>({ carriers: null, tis: null });
  useEffect(() => {
    const es = new EventSource(CARRIER_ROUTES.events, { withCredentials: true });
    es.onmessage = (m: MessageEvent<string>) => {
      const e = JSON.parse(m.data) as AdminEvent;
      switch (e.type) {
        case 'carriers':
          setLive((l) => ({ ...l, carriers: e.data }));
          break;
        case 'tis':
          setLive((l) => ({ ...l, tis: e.data }));
          break;
        default: {
          const never: never = e;
          void never;
        }
      }
    };
    return () => es.close();
  }, []);
  return live;
}
