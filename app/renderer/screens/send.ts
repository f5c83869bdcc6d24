// What a screen calls to send a person's action to core's session machine.
import type { RendererEvent } from '../../shared/session-contract';
import type { SendOutcome } from '../api/client';

export type Send = (event: RendererEvent) => Promise<SendOutcome | null>;
