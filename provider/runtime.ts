/**
 * @module What the dynamic providers load inside the Pulumi provider process, by package name
 * (`require("pulumi-salesforce-certs/runtime")`), so that their serialised code stays small.
 * Not for programs: use the resources from the package root.
 */
export { certificateAndKeyPairImplementation } from "./resources/certificate-and-key-pair-implementation";
export { jwtIntegrationImplementation } from "./resources/jwt-integration-implementation";
export { samlSpBindingImplementation } from "./resources/saml-sp-binding-implementation";
