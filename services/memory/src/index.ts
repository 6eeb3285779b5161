// @elwosa/memory (issue 5).
export {};
