// @elwosa/notifications (issue 4).
export {};
