/**
 * The logit-surface figure's 3-D view (three.js, loaded on demand so that the
 * article's first load does not carry it): a surface over the plane of the
 * slice, coloured by the class that wins at each point, with the FGSM step
 * drawn on it, orbited by a camera on a sphere around the plane's centre.
 * It draws on a page's canvas or, in surface.worker.ts, on an OffscreenCanvas
 * the page's canvas handed over, so that three.js runs off the page's thread.
 */
import * as THREE from 'three';
import { DEFAULT_CAMERA, type Camera } from './camera.ts';

export interface SurfaceData {
  size: number;
  /** Heights, row-major over (b, a) as in SliceGrid. */
  values: Float32Array;
  /** Winning class at each point. */
  predicted: Int32Array;
  /** Colours of the classes, '#rrggbb'. */
  colors: readonly string[];
  /** Grid indices along the FGSM axis (b = 0) from the origin to the FGSM point. */
  fgsmPath: number[];
  /** Draw the plane of height 0 (the margin's decision level). */
  zeroPlane: boolean;
  /** Colours of the text and of the FGSM step, from the page's theme. */
  ink: string;
  accent: string;
}

const HEIGHT = 1.1;

/** A height's tick label: two significant digits, a true minus sign. */
const formatHeight = (v: number) => (v === 0 ? '0' : Number(v.toPrecision(2)).toString().replace('-', '−'));

export interface SurfaceScene {
  /** Draws a surface, built over two tasks; resolves false when a newer one took its place before it was drawn. */
  update(data: SurfaceData): Promise<boolean>;
  /**
   * Has the shader programs that update() will use made ahead, one material a task, while the page waits for its
   * first surface: the first update() then draws at once instead of holding the page's thread while they are built.
   * update() waits for it (and starts it where it has not been): a surface at hand when the scene is made (one
   * computed ahead) is drawn after the programs are made, each in a task of its own, not with them all in one.
   */
  prepare(): Promise<void>;
  setCamera(c: Camera): void;
  resize(width: number, height: number): void;
  dispose(): void;
}

/** A canvas of the page, or one handed to a worker (transferControlToOffscreen). */
export type SurfaceCanvas = HTMLCanvasElement | OffscreenCanvas;

/** A canvas to draw a label or a texture on: the page's where there is one, an OffscreenCanvas in a worker. */
function scratchCanvas(width: number, height: number): SurfaceCanvas {
  if (typeof document === 'undefined') return new OffscreenCanvas(width, height);
  return Object.assign(document.createElement('canvas'), { width, height });
}

const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** The triangles of an n × n grid of points, two a cell (one array per size, made once). */
const indices = new Map<number, Uint16Array | Uint32Array>();
function gridIndex(n: number): Uint16Array | Uint32Array {
  let index = indices.get(n);
  if (index) return index;
  index = n * n < 65536 ? new Uint16Array(6 * (n - 1) * (n - 1)) : new Uint32Array(6 * (n - 1) * (n - 1));
  let k = 0;
  for (let i = 0; i < n - 1; i++) {
    for (let j = 0; j < n - 1; j++) {
      const p = i * n + j;
      index.set([p, p + 1, p + n, p + 1, p + n + 1, p + n], k);
      k += 6;
    }
  }
  indices.set(n, index);
  return index;
}

function label(text: string, color: string): THREE.Sprite {
  const canvas = scratchCanvas(256, 64);
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;
  ctx.font = 'italic 600 34px system-ui, sans-serif';
  ctx.fillStyle = color;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(text, 128, 32);
  const texture = new THREE.CanvasTexture(canvas);
  const sprite = new THREE.Sprite(new THREE.SpriteMaterial({ map: texture, transparent: true, depthTest: false }));
  sprite.scale.set(0.9, 0.225, 1);
  return sprite;
}

/**
 * Whether this browser (or this worker) can make a WebGL context at all, and whether its WebGL is drawn by the CPU
 * (SwiftShader, llvmpipe: a machine without a usable GPU), asked once of a throwaway context since a canvas keeps the
 * attributes of its first one. Where the CPU draws, each frame is rasterised in software and read back for the page's
 * compositor while the page's thread waits: with 4× multisampling the frame after each new surface held the page's
 * thread 90 to 175 ms on a loaded 2-core machine, without it 45 to 80 ms.
 */
let probed: { webgl: boolean; software: boolean } | null = null;
export function probeWebGl(): { webgl: boolean; software: boolean } {
  if (probed) return probed;
  probed = { webgl: false, software: false };
  try {
    const probe = scratchCanvas(1, 1);
    // the least a context can be (no multisampled, depth or stencil buffers): only its renderer's name is read
    const attributes: WebGLContextAttributes = { antialias: false, depth: false, stencil: false, alpha: false };
    const gl = (probe.getContext('webgl2', attributes) ?? probe.getContext('webgl', attributes)) as WebGLRenderingContext | null;
    if (gl) {
      const info = gl.getExtension('WEBGL_debug_renderer_info');
      const name = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
      gl.getExtension('WEBGL_lose_context')?.loseContext();
      probed = { webgl: true, software: /swiftshader|llvmpipe|softpipe|software/i.test(name) };
    }
  } catch {
    // no WebGL here (an OffscreenCanvas without it)
  }
  return probed;
}

/**
 * Rejects when the browser cannot make a WebGL context. pixelRatio: the page's devicePixelRatio (a worker has none),
 * at most 2.
 */
export async function createSurfaceScene(canvas: SurfaceCanvas, width: number, height: number, pixelRatio: number): Promise<SurfaceScene> {
  const { software } = probeWebGl();
  // the renderer's context in a task of its own: each context made waits on the GPU's process
  await nextTask();
  // multisampled edges where a GPU draws them; none where the CPU does (probeWebGl)
  const renderer = new THREE.WebGLRenderer({ canvas, antialias: !software, alpha: true, preserveDrawingBuffer: true });
  renderer.setPixelRatio(Math.min(2, pixelRatio || 1));
  renderer.setSize(width, height, false);
  const scene = new THREE.Scene();
  const camera = new THREE.PerspectiveCamera(40, width / height, 0.05, 50);
  scene.add(new THREE.AmbientLight(0xffffff, 1.4));
  const sun = new THREE.DirectionalLight(0xffffff, 1.6);
  sun.position.set(1.5, 3, 2);
  scene.add(sun);
  const content = new THREE.Group();
  scene.add(content);
  let view: Camera = { ...DEFAULT_CAMERA };

  const render = () => renderer.render(scene, camera);
  function place() {
    const az = (view.azimuth * Math.PI) / 180;
    const el = (view.elevation * Math.PI) / 180;
    camera.position.set(view.distance * Math.cos(el) * Math.sin(az), view.distance * Math.sin(el), view.distance * Math.cos(el) * Math.cos(az));
    camera.lookAt(0, 0, 0);
  }

  function clear(children = [...content.children]) {
    for (const child of children) {
      content.remove(child);
      child.traverse((o) => {
        const m = o as THREE.Mesh;
        m.geometry?.dispose();
        const mat = m.material as THREE.Material | THREE.Material[] | undefined;
        for (const x of Array.isArray(mat) ? mat : mat ? [mat] : []) {
          (x as THREE.SpriteMaterial).map?.dispose();
          x.dispose();
        }
      });
    }
  }

  /** The materials of each kind update() draws with, kept while the scene lives so that their programs stay compiled. */
  const warm: THREE.Object3D[] = [];
  let prepared: Promise<void> | null = null;
  let disposed = false;
  function prepare(): Promise<void> {
    prepared ??= new Promise<void>((done) => warmUp(done));
    return prepared;
  }
  function warmUp(done: () => void) {
    const square = () => {
      const g = new THREE.PlaneGeometry(0.01, 0.01);
      g.setAttribute('color', g.getAttribute('position').clone());
      return g;
    };
    const texture = new THREE.CanvasTexture(scratchCanvas(1, 1));
    const kinds: (() => THREE.Object3D)[] = [
      () => new THREE.Mesh(square(), new THREE.MeshLambertMaterial({ vertexColors: true, side: THREE.DoubleSide })),
      () => new THREE.LineSegments(square(), new THREE.LineBasicMaterial({ color: 0x000000, transparent: true, opacity: 0.5 })),
      () => new THREE.Mesh(square(), new THREE.MeshBasicMaterial({ color: 0x000000 })),
      () => new THREE.Mesh(square(), new THREE.MeshBasicMaterial({ color: 0x000000, transparent: true, opacity: 0.5, side: THREE.DoubleSide, depthWrite: false })),
      () => new THREE.Sprite(new THREE.SpriteMaterial({ map: texture, transparent: true, depthTest: false })),
    ];
    // each drawn once, in a task of its own, into a target of one pixel: compile() alone leaves the costly part to
    // the first draw where WebGL renders in software (SwiftShader builds a program's pipeline when it first draws with
    // it), and a draw on the canvas itself would have the page present a frame for it
    const target = new THREE.WebGLRenderTarget(1, 1);
    const next = (k: number) => {
      if (disposed) return (target.dispose(), done());
      if (k >= kinds.length) {
        renderer.setRenderTarget(null);
        target.dispose();
        return done();
      }
      const object = kinds[k]();
      warm.push(object);
      scene.add(object);
      renderer.setRenderTarget(target);
      renderer.render(scene, camera);
      renderer.setRenderTarget(null);
      scene.remove(object);
      setTimeout(() => next(k + 1), 0);
    };
    setTimeout(() => next(0), 0);
  }

  let generation = 0;
  /**
   * Builds the new surface in two tasks (the surface and its grid; then the frame, the axes, their labels and the
   * FGSM step) and draws it; false when a newer update took its place meanwhile.
   */
  async function update(d: SurfaceData): Promise<boolean> {
    const mine = ++generation;
    await prepare();
    if (mine !== generation || disposed) return false;
    const added: THREE.Object3D[] = [];
    const n = d.size;
    let lo = Infinity, hi = -Infinity;
    for (const v of d.values) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (d.zeroPlane) {
      lo = Math.min(lo, 0);
      hi = Math.max(hi, 0);
    }
    const span = hi - lo || 1;
    const yOf = (v: number) => ((v - lo) / span - 0.5) * HEIGHT;
    const xOf = (j: number) => (2 * j) / (n - 1) - 1; // a
    const zOf = (i: number) => 1 - (2 * i) / (n - 1); // b grows away from the viewer at azimuth 0
    const positions = new Float32Array(n * n * 3);
    const colors = new Float32Array(n * n * 3);
    const palette = d.colors.map((c) => new THREE.Color(c));
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const p = i * n + j;
        positions[3 * p] = xOf(j);
        positions[3 * p + 1] = yOf(d.values[p]);
        positions[3 * p + 2] = zOf(i);
        const c = palette[d.predicted[p] % palette.length];
        colors[3 * p] = c.r;
        colors[3 * p + 1] = c.g;
        colors[3 * p + 2] = c.b;
      }
    }
    const geometry = new THREE.BufferGeometry();
    geometry.setAttribute('position', new THREE.BufferAttribute(positions, 3));
    geometry.setAttribute('color', new THREE.BufferAttribute(colors, 3));
    geometry.setIndex(new THREE.BufferAttribute(gridIndex(n), 1));
    geometry.computeVertexNormals();
    added.push(new THREE.Mesh(geometry, new THREE.MeshLambertMaterial({ vertexColors: true, side: THREE.DoubleSide })));
    // a light grid on the surface: every sixth line in each direction
    const grid: number[] = [];
    const segment = (p: number, q: number) => grid.push(positions[3 * p], positions[3 * p + 1], positions[3 * p + 2], positions[3 * q], positions[3 * q + 1], positions[3 * q + 2]);
    for (let i = 0; i < n; i += 6) for (let j = 0; j < n - 1; j++) segment(i * n + j, i * n + j + 1);
    for (let j = 0; j < n; j += 6) for (let i = 0; i < n - 1; i++) segment(i * n + j, (i + 1) * n + j);
    const gridGeometry = new THREE.BufferGeometry();
    gridGeometry.setAttribute('position', new THREE.Float32BufferAttribute(grid, 3));
    added.push(new THREE.LineSegments(gridGeometry, new THREE.LineBasicMaterial({ color: 0x000000, transparent: true, opacity: 0.18 })));
    await nextTask();
    if (mine !== generation || disposed) {
      clear(added);
      return false;
    }

    if (d.zeroPlane) {
      const zero = new THREE.Mesh(new THREE.PlaneGeometry(2, 2), new THREE.MeshBasicMaterial({ color: d.ink, transparent: true, opacity: 0.14, side: THREE.DoubleSide, depthWrite: false }));
      zero.rotation.x = -Math.PI / 2;
      zero.position.y = yOf(0);
      added.push(zero);
    }
    // the base frame and the two axes at the bottom of the box
    const base = -HEIGHT / 2 - 0.02;
    const frame = new THREE.BufferGeometry().setFromPoints([
      new THREE.Vector3(-1, base, -1), new THREE.Vector3(1, base, -1), new THREE.Vector3(1, base, 1), new THREE.Vector3(-1, base, 1), new THREE.Vector3(-1, base, -1),
    ]);
    added.push(new THREE.Line(frame, new THREE.LineBasicMaterial({ color: d.ink, transparent: true, opacity: 0.4 })));
    const axes = new THREE.BufferGeometry().setFromPoints([new THREE.Vector3(-1, base, 0), new THREE.Vector3(1.15, base, 0), new THREE.Vector3(0, base, 1), new THREE.Vector3(0, base, -1.15)]);
    added.push(new THREE.LineSegments(axes, new THREE.LineBasicMaterial({ color: d.ink, transparent: true, opacity: 0.6 })));
    const la = label('a: sign(∇ₓJ)', d.ink);
    la.position.set(1.45, base, 0);
    added.push(la);
    const lb = label('b: random r', d.ink);
    lb.position.set(0, base, -1.4);
    added.push(lb);
    // the height axis, at the back left corner: a vertical rule with the lowest and the highest value (and 0 between)
    const ticks = [lo, hi, ...(lo < 0 && hi > 0 ? [0] : [])];
    const rule = new THREE.BufferGeometry().setFromPoints([
      new THREE.Vector3(-1, yOf(lo), -1), new THREE.Vector3(-1, yOf(hi), -1),
      ...ticks.flatMap((t) => [new THREE.Vector3(-1.06, yOf(t), -1), new THREE.Vector3(-1, yOf(t), -1)]),
    ]);
    const ruleIndex: number[] = [0, 1];
    ticks.forEach((_, k) => ruleIndex.push(2 + 2 * k, 3 + 2 * k));
    rule.setIndex(ruleIndex);
    added.push(new THREE.LineSegments(rule, new THREE.LineBasicMaterial({ color: d.ink, transparent: true, opacity: 0.6 })));
    for (const t of ticks) {
      const tl = label(formatHeight(t), d.ink);
      tl.scale.multiplyScalar(0.7);
      tl.position.set(-1.36, yOf(t), -1);
      added.push(tl);
    }

    // the FGSM step along the surface, lifted a little, with a cone at its end
    const mid = (n - 1) / 2;
    const path = d.fgsmPath.map((j) => new THREE.Vector3(xOf(j), yOf(d.values[mid * n + j]) + 0.02, zOf(mid)));
    if (path.length >= 2) {
      const tube = new THREE.TubeGeometry(new THREE.CatmullRomCurve3(path, false, 'catmullrom', 0), Math.max(8, path.length * 2), 0.014, 6, false);
      added.push(new THREE.Mesh(tube, new THREE.MeshBasicMaterial({ color: d.accent })));
      const end = path[path.length - 1];
      const before = path[path.length - 2];
      const dir = new THREE.Vector3().subVectors(end, before).normalize();
      const cone = new THREE.Mesh(new THREE.ConeGeometry(0.04, 0.12, 12), new THREE.MeshBasicMaterial({ color: d.accent }));
      cone.position.copy(end).addScaledVector(dir, 0.04);
      cone.quaternion.setFromUnitVectors(new THREE.Vector3(0, 1, 0), dir);
      added.push(cone);
    }
    const originPoint = new THREE.Mesh(new THREE.SphereGeometry(0.035, 16, 12), new THREE.MeshBasicMaterial({ color: d.ink }));
    originPoint.position.set(xOf(mid), yOf(d.values[mid * n + mid]) + 0.02, zOf(mid));
    added.push(originPoint);
    // the old surface is let go only after the new one is drawn: disposing its materials first would free their
    // shader programs, compiled again for the new ones at every update (hundreds of ms each without a GPU)
    const old = [...content.children];
    for (const child of old) content.remove(child);
    for (const child of added) content.add(child);
    render();
    clear(old);
    return true;
  }

  function setCamera(c: Camera) {
    view = { ...c };
    place();
    render();
  }

  function resize(w: number, h: number) {
    renderer.setSize(w, h, false);
    camera.aspect = w / h;
    camera.updateProjectionMatrix();
    render();
  }

  place();
  return {
    update,
    prepare,
    setCamera,
    resize,
    dispose() {
      disposed = true;
      clear();
      clear(warm);
      renderer.dispose();
    },
  };
}
