import type { RouterOutputs } from '@retain/api';
import { createContext, useContext } from 'react';
import { canCall, type Procedure } from '../data/pageAccess.ts';

export type Me = RouterOutputs['auth']['me'];
/** Who is signed in: their user name, role, and whether it is the demo-mode admin. */
export type Viewer = NonNullable<Me['viewer']>;

/** Set by the shell, which renders pages only once someone is signed in (or in demo mode). */
export const ViewerContext = createContext<Viewer | null>(null);

export function useViewer(): Viewer {
  const viewer = useContext(ViewerContext);
  if (!viewer) throw new Error('useViewer outside the signed-in shell');
  return viewer;
}

/** Whether the viewer's role may call a procedure: to hide actions the server would refuse. */
export function useCanCall(procedure: Procedure): boolean {
  return canCall(useViewer().role, procedure);
}
