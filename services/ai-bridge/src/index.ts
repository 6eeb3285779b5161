// @elwosa/ai-bridge (issue 5).
export {};
