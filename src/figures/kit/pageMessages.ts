/** Messages about the parameters every page reads (not a figure's own state). */
import { backendOrder, isBackendName } from '../../compute/messages.ts';
import { shown } from './state.ts';

export function pageMessages(search: string): string[] {
  const params = new URLSearchParams(search);
  const out: string[] = [];
  const b = params.get('backend');
  if (b !== null && !isBackendName(b)) {
    out.push(`backend=${shown(b)} is not one of ${backendOrder.join(', ')}; using the best that starts.`);
  }
  const t = params.get('theme');
  if (t !== null && t !== 'light' && t !== 'dark') out.push(`theme=${shown(t)} is not light or dark; following the system.`);
  const c = params.get('controls');
  if (c !== null && c !== '0' && c !== '1') out.push(`controls=${shown(c)} is not 0 or 1; showing the controls.`);
  return out;
}
