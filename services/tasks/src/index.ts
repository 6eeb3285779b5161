// @elwosa/tasks (issue 4).
export {};
