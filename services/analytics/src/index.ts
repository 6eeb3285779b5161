// @elwosa/analytics (issue 5).
export {};
