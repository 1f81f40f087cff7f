/**
 * Events Svelte's element typings leave out: a <canvas> that draws with WebGL
 * listens for its context being lost and restored (LogitSurface).
 */
type CanvasEventHandler<E extends Event> = (event: E & { currentTarget: EventTarget & HTMLCanvasElement }) => unknown;

declare module 'svelte/elements' {
  export interface HTMLCanvasAttributes {
    onwebglcontextlost?: CanvasEventHandler<WebGLContextEvent> | undefined | null;
    onwebglcontextrestored?: CanvasEventHandler<WebGLContextEvent> | undefined | null;
    onwebglcontextcreationerror?: CanvasEventHandler<WebGLContextEvent> | undefined | null;
  }
}

export {};
