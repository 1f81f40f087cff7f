/**
 * Live training for a figure, one epoch per request (the two live-training
 * figures): start, pause, reset, more epochs, new settings, scrolled away and
 * back. The logic is TrainingSession (session.ts); this binds it to the
 * component: its state is reactive, it follows settings, epochs and `when`,
 * and it asks for nothing more once the component is gone.
 *
 *   const t = session({ settings: () => ({ seed: s.seed }), epoch: (k, id, io) => call(train, { ...k, session: id }, io),
 *                       reset: (k, id) => call(train, { ...k, session: id, action: 'reset' }), epochs: () => s.epochs, when: () => fig.live });
 *   t.history · t.running · t.paused · t.computing · t.progress · t.error · t.start() · t.pause() · t.reset()
 */
import { onDestroy, untrack } from 'svelte';
import { initialSessionState, TrainingSession, type SessionOptions, type SessionState } from './session.ts';

export type { SessionOptions };
export type Session<S, E> = TrainingSession<S, E>;

export function session<S, E>(o: SessionOptions<S, E>): Session<S, E> {
  const state = $state<SessionState<E>>(initialSessionState<E>());
  const t = new TrainingSession(o, state);
  $effect(() => {
    JSON.stringify(o.settings());
    untrack(() => t.settingsChanged());
  });
  $effect(() => {
    o.epochs();
    untrack(() => t.epochsChanged());
  });
  $effect(() => {
    const allowed = o.when ? o.when() : true;
    untrack(() => t.whenChanged(allowed));
  });
  onDestroy(() => t.stop());
  return t;
}
