// @elwosa/chat (issue 5).
export {};
