import { ringDrawing } from './tests/e2e/drawing-fixture.ts';
console.log(ringDrawing());
