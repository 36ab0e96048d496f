/**
 * The layers of provider/, checked by `npm run lint`: imports flow downwards only, and no two modules
 * import each other. From the bottom: the pure cores (crypto, rotation, salesforce); validation rules and
 * the org connection; the shared dynamic-provider machinery; the certificate resource; the integrations
 * that use a certificate (JWT, SAML); the GitOps layer (inventory, report, engine, cli) on top.
 */
const pureCores = "crypto|rotation|salesforce";
const resources = "certificate|jwt-integration|saml-binding";
const gitOps = "inventory|report|engine|cli";

module.exports = {
  forbidden: [
    { name: "no-circular", comment: "two modules that import each other, directly or through others", severity: "error", from: {}, to: { circular: true } },
    {
      name: "pure-cores-import-no-layer-above",
      comment: "crypto, rotation and salesforce are pure: they import only each other, errors.ts and packages",
      severity: "error",
      from: { path: `^provider/(${pureCores})/` },
      to: { path: `^provider/(validate|org|dynamic|${resources}|${gitOps})/|^provider/(index|runtime)\\.ts$` },
    },
    {
      name: "shared-layers-import-no-resource",
      comment: "validate, org and dynamic serve every resource, so none of them imports one",
      severity: "error",
      from: { path: "^provider/(validate|org|dynamic)/" },
      to: { path: `^provider/(${resources}|${gitOps})/|^provider/(index|runtime)\\.ts$` },
    },
    {
      name: "certificate-imports-no-integration",
      comment: "integrations use a certificate; the certificate knows none of them",
      severity: "error",
      from: { path: "^provider/certificate/" },
      to: { path: "^provider/(jwt-integration|saml-binding)/" },
    },
    {
      name: "integrations-import-each-other-not",
      comment: "a JWT integration and a SAML binding share only the layers below them",
      severity: "error",
      from: { path: "^provider/(jwt-integration|saml-binding)/" },
      to: { path: "^provider/(jwt-integration|saml-binding)/", pathNot: "^provider/$1/" },
    },
    {
      name: "resources-import-no-gitops-layer",
      comment: "the resources are the library; inventory, report, engine and cli are built on top of it",
      severity: "error",
      from: { path: `^provider/(${resources})/` },
      to: { path: `^provider/(${gitOps})/|^provider/index\\.ts$` },
    },
  ],
  options: {
    tsConfig: { fileName: "tsconfig.json" },
    tsPreCompilationDeps: true,
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^build/" },
  },
};
