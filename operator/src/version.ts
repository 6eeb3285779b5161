// The operator's version; also the default platform image tag. A test keeps it equal to
// operator/package.json.
export const OPERATOR_VERSION = '0.1.0';
