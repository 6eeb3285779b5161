// @elwosa/operator: the ElwosaStack API, the pure desired-state functions, offline rendering and
// the controller. The CLI (bin/elwosa-operator.js) is the usual entry point.
export { buildCrd, renderCrdYaml } from './api/crd.js';
export type { Condition, ElwosaStack, StackSpec, StackStatus } from './api/elwosastack.js';
export { API_VERSION, KIND } from './api/elwosastack.js';
export { withDefaults } from './api/load.js';
export { validateAgainst } from './api/validate.js';
export { Operator, type OperatorOptions } from './controller/operator.js';
export { renderManifest } from './render.js';
export type { DesiredObject, KubeObject, RenderInputs } from './specs/context.js';
export { desiredObjects } from './specs/desired.js';
export { OPERATOR_VERSION } from './version.js';
