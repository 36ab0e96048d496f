/**
 * @module `deploy` and `checkDeployStatus` (org-mode.md §1.3, §5; salesforce.md §6):
 *  - the base64 zip is read as Salesforce reads metadata format, with source-deploy-retrieve
 *    (`ZipTreeContainer` + `MetadataResolver`): `package.xml` at the root (`singlePackage=true`) or, with
 *    `singlePackage=false`, at the root or in top folders (each a package; DeployMessage.fileName then keeps
 *    the top folder, as real-org results do). No package.xml → `componentFailures{fileName:"package.xml",
 *    problem:"No package.xml found"}` with `numberComponentErrors=0`, status Failed.
 *  - components named in package.xml but absent from the zip fail; files not named are not deployed.
 *  - rules per component: component-rules.ts. `rollbackOnError=true` + any failure → Failed, nothing
 *    persisted, no successes listed; `checkOnly=true` persists nothing; otherwise what can deploy deploys
 *    (SucceededPartial, `success=false`: open question 4 of the research, the stand-in's choice).
 *  - `deploy()` is asynchronous: it returns an AsyncResult id at once and the org runs the deploy on its
 *    own, whoever polls (https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_deploy.htm;
 *    `checkDeployStatus` only reports on it:
 *    https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_checkdeploystatus.htm).
 *    By default the outcome is decided and persisted when `deploy` is called (so a client killed before
 *    polling finds the org changed), and `checkDeployStatus` answers Pending, then InProgress, for the
 *    configured number of polls, then the result. With a duration (faults.ts `deploysTakeSeconds`) the
 *    deploy lands when the stand-in's clock has passed its start plus that duration: applied then to the
 *    org as it is then (Salesforce queues deploys, org-mode.md §7), whether or not anyone still polls;
 *    until then every status answer is Pending or InProgress and nothing is persisted. A client whose
 *    polling timed out thus finds it landed later, as a slow deploy in Salesforce does. Deploys that never
 *    end are not modelled: Salesforce ends each one (Succeeded, Failed, or Canceled through cancelDeploy
 *    or Setup › Deployment Status), and the only way to stop one, cancelling, is not modelled.
 *  - `details` is filled only with `includeDetails=true` and the
 *    deploy done; otherwise it is an empty `<details/>`: the Metadata API WSDL (API 63.0) declares
 *    `details` required in DeployResult, and what Salesforce puts in it without details asked for is not
 *    public (the stand-in's choice; the provider always asks for details).
 *  - elements of DeployResult and DeployMessage follow the WSDL's `xsd:sequence` order (checked by
 *    test/peer/metadata-wsdl.test.ts against Salesforce's WSDL).
 *  - API versions inside a deploy: each package is read at its package.xml `<version>` (else the URL's
 *    version). A type newer than that version (metadata-api.ts `typeSince`) is unknown to it: the package
 *    fails on package.xml with `Unknown type name 'T' specified in package.xml`, the text real deploys
 *    report (https://github.com/forcedotcom/cli/issues/866, a package.xml row;
 *    https://github.com/scolladon/sfdc-generate-package/issues/8, jsforce deploying at API 37.0), and none of
 *    its components deploys (whether Salesforce deploys the package's other components is not public: the
 *    stand-in refuses them all). Settings files are one `Settings` type in package.xml, so a settings
 *    type that is too new fails as its component, with placeholder text. A field newer than the version
 *    fails its component with `Property 'F' not valid in version V` (the text of
 *    https://github.com/scolladon/sfdc-git-package/issues/12 and
 *    https://github.com/apex-enterprise-patterns/fflib-apex-common-samplecode/issues/16); modelled for
 *    `ExtlClntAppGlobalOauthSettings.certificate` (API 60, org-mode.md §5).
 */
import { MetadataResolver, ZipTreeContainer, type SourceComponent } from "@salesforce/source-deploy-retrieve";
import { XMLParser } from "fast-xml-parser";
import { applyComponent, placeholder, type DeployedComponent, type RuleContext } from "./component-rules";
import { newId } from "./ids";
import { typeSince } from "./metadata-api";
import { asList, type XmlValue } from "./soap";

/** The DeployOptions the stand-in honours. */
export interface DeployOptions {
  rollbackOnError: boolean;
  checkOnly: boolean;
  singlePackage: boolean;
  ignoreWarnings: boolean;
}

/** A deploy request as the org tracks it. */
export interface DeployJob {
  id: string;
  options: DeployOptions;
  createdDate: Date;
  /** Status answers still to give before the result (Pending first, then InProgress). */
  pollsLeft: number;
  /** When the deploy lands (stand-in clock); it stays Pending/InProgress and persists nothing before. */
  landsAt: Date;
  /** Applies the deploy to the org as it is at that moment, once; undefined once landed. */
  land?: (now: Date) => void;
  polls: number;
  result: {
    status: "Succeeded" | "SucceededPartial" | "Failed";
    successes: DeployMessage[];
    failures: DeployMessage[];
    total: number;
    errorMessage?: string;
  };
  completedDate: Date;
}

/** One DeployMessage (jsforce casts these fields). */
export type DeployMessage = Record<string, XmlValue>;

const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: true });

/** Rank of a type in a deploy: certificates before what names them, parents before children. */
const typeOrder = [
  "Certificate",
  "ExternalClientApplication",
  "ExtlClntAppOauthSettings",
  "ExtlClntAppGlobalOauthSettings",
  "ExtlClntAppOauthConfigurablePolicies",
  "ExtlClntAppConfigurablePolicies",
  "ExtlClntAppSamlConfigurablePolicies",
  "ConnectedApp",
  "ExternalClientAppSettings",
  "IdentityProviderSettings",
];

function stripAttributes(value: unknown): XmlValue {
  if (Array.isArray(value)) return value.map(stripAttributes);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => !k.startsWith("@_") && k !== "#text")
        .map(([k, v]) => [k, stripAttributes(v)]),
    );
  }
  return value as XmlValue;
}

/** Components of the package at `root` of the zip, and the package.xml members they must cover. */
async function readPackage(
  tree: ZipTreeContainer,
  root: string,
): Promise<{ components: DeployedComponent[]; missing: string[]; version: number | undefined }> {
  const packagePath = root === "." ? "package.xml" : `${root}/package.xml`;
  const manifest = parser.parse((await tree.readFile(packagePath)).toString("utf8")) as {
    Package?: { types?: unknown; version?: unknown };
  };
  const version = /^\d+\.\d$/.test(String(manifest.Package?.version ?? ""))
    ? Number(manifest.Package!.version)
    : undefined;
  const named = asList(manifest.Package?.types as { name: string; members: string | string[] }[] | undefined).flatMap(
    (t) => asList(t.members).map((m) => ({ type: t.name, member: m })),
  );
  const resolved: SourceComponent[] = new MetadataResolver(undefined, tree).getComponentsFromPath(root);
  const components: DeployedComponent[] = [];
  for (const source of resolved) {
    const parsed = (await source.parseXml()) as Record<string, unknown>;
    const rootElement = Object.keys(parsed).find((k) => !k.startsWith("?"))!;
    const isSettings = source.type.name === "Settings";
    const component: DeployedComponent = {
      type: isSettings ? rootElement : source.type.name,
      resultType: source.type.name,
      fullName: source.fullName,
      fileName: (source.content ?? source.xml ?? "").replace(/^\.\//, ""),
      record: stripAttributes(parsed[rootElement] ?? {}) as Record<string, XmlValue>,
    };
    if (source.type.name === "Certificate" && source.content)
      component.content = (await tree.readFile(source.content)).toString("utf8");
    if (named.some((n) => n.type === component.resultType && (n.member === "*" || n.member === component.fullName)))
      components.push(component);
  }
  const missing = named
    .filter((n) => n.member !== "*" && !components.some((c) => c.resultType === n.type && c.fullName === n.member))
    .map(
      (n) =>
        `An object '${n.member}' of type ${n.type} was named in package.xml, but was not found in zipped directory`,
    );
  return { components, missing, version };
}

/** Fields of a type newer than the type itself: field → the API version it appeared in (org-mode.md §5). */
const fieldSince: Record<string, Record<string, number>> = {
  ExtlClntAppGlobalOauthSettings: { certificate: 60 },
};

/**
 * What a package read at API `version` cannot hold: the types it does not know (a package.xml problem,
 * or, for a settings type, its component's), and components holding a field it does not know.
 */
function versionProblems(
  components: readonly DeployedComponent[],
  version: number,
): { unknownTypes: string[]; componentProblems: Map<DeployedComponent, string> } {
  const unknownTypes = new Set<string>();
  const componentProblems = new Map<DeployedComponent, string>();
  const shown = version.toFixed(1);
  for (const component of components) {
    const since = typeSince[component.type];
    if (since !== undefined && since > version) {
      if (component.resultType === "Settings")
        componentProblems.set(component, `${placeholder}${component.type} is not available in API version ${shown}`);
      else unknownTypes.add(component.resultType);
      continue;
    }
    const field = Object.entries(fieldSince[component.type] ?? {}).find(
      ([name, fieldVersion]) => fieldVersion > version && component.record[name] !== undefined,
    );
    if (field) componentProblems.set(component, `Property '${field[0]}' not valid in version ${shown}`);
  }
  return { unknownTypes: [...unknownTypes].sort(), componentProblems };
}

/** The package roots of a zip: `.` when package.xml is at the root; else (only without singlePackage) top folders holding one. */
function packageRoots(tree: ZipTreeContainer, singlePackage: boolean): string[] {
  if (tree.exists("package.xml")) return ["."];
  if (singlePackage) return [];
  return tree.readDirectory(".").filter((name) => tree.isDirectory(name) && tree.exists(`${name}/package.xml`));
}

/** What a deploy applies its components to; made when the deploy lands (see {@link startDeploy}). */
export type DeployContext = RuleContext & {
  commit: () => void;
  failingComponents: Map<string, string>;
  /** Reported as deployed but not applied (faults.ts). */
  unappliedComponents?: ReadonlySet<string>;
  /** The version a package without `<version>` is read at (the URL's). */
  apiVersion: number;
  /** The problem of a component of `type` the org refuses whatever its content (an org prerequisite off: prerequisites.ts). */
  refuse: (type: string) => string | undefined;
};

/**
 * Starts a deploy: reads the zip, then (at once, or at `landsAt` when later) applies its components to a
 * draft of the org made at that moment and commits it. Salesforce queues deploys and applies each to the
 * org as it is then, so two deploys in flight both land: the draft is made only after the zip (read
 * asynchronously) is read, and a late deploy applies to the org as it is when it lands.
 */
export async function startDeploy(
  zipBase64: string,
  options: DeployOptions,
  makeContext: (now: Date) => DeployContext,
  now: Date,
  timing: { polls: number; landsAt: Date },
): Promise<DeployJob> {
  let tree: ZipTreeContainer | undefined;
  try {
    tree = await ZipTreeContainer.create(Buffer.from(zipBase64, "base64"));
  } catch {
    tree = undefined;
  }
  const roots = tree ? packageRoots(tree, options.singlePackage) : [];
  const packages: {
    root: string;
    read?: { components: DeployedComponent[]; missing: string[]; version: number | undefined };
    error?: string;
  }[] = [];
  for (const root of roots) {
    try {
      packages.push({ root, read: await readPackage(tree!, root) });
    } catch (error) {
      packages.push({ root, error: (error as Error).message });
    }
  }
  const total = packages.reduce((n, p) => n + (p.read?.components.length ?? 0), 0);
  const job: DeployJob = {
    id: newId("0Af"),
    options,
    createdDate: now,
    pollsLeft: timing.polls,
    landsAt: timing.landsAt,
    polls: 0,
    completedDate: timing.landsAt,
    result: { status: "Failed", successes: [], failures: [], total },
  };
  job.land = (at: Date) => {
    job.land = undefined;
    job.completedDate = at;
    job.result = apply(makeContext(at), at);
  };
  if (timing.landsAt.getTime() <= now.getTime()) job.land(now);
  return job;

  // Nothing awaits in here: the components apply to the org as it is when the deploy lands, and commit together.
  function apply(context: DeployContext, at: Date): DeployJob["result"] {
    const failures: DeployMessage[] = [];
    const successes: DeployMessage[] = [];
    const message = (
      c: { fileName: string; fullName: string; componentType: string },
      outcome: { created?: boolean; problem?: string; id?: string },
    ): DeployMessage => ({
      changed: outcome.problem === undefined,
      componentType: c.componentType,
      created: outcome.created ?? false,
      createdDate: at.toISOString(),
      deleted: false,
      fileName: c.fileName,
      fullName: c.fullName,
      ...(outcome.id ? { id: outcome.id } : {}),
      ...(outcome.problem !== undefined ? { problem: outcome.problem, problemType: "Error" } : {}),
      success: outcome.problem === undefined,
    });
    if (!tree || roots.length === 0) {
      failures.push({
        ...message(
          { fileName: "package.xml", fullName: "package.xml", componentType: "" },
          { problem: "No package.xml found" },
        ),
        changed: false,
      });
    } else {
      for (const { root, read, error } of packages) {
        const packageFile = root === "." ? "package.xml" : `${root}/package.xml`;
        if (!read) {
          failures.push(
            message({ fileName: packageFile, fullName: "package.xml", componentType: "" }, { problem: `${error}` }),
          );
          continue;
        }
        for (const problem of read.missing)
          failures.push(message({ fileName: packageFile, fullName: "package.xml", componentType: "" }, { problem }));
        const { unknownTypes, componentProblems } = versionProblems(
          read.components,
          read.version ?? context.apiVersion,
        );
        if (unknownTypes.length > 0) {
          for (const type of unknownTypes) {
            const problem = `Unknown type name '${type}' specified in package.xml`;
            failures.push(message({ fileName: packageFile, fullName: "package.xml", componentType: "" }, { problem }));
          }
          continue;
        }
        const ordered = [...read.components].sort((a, b) => typeOrder.indexOf(a.type) - typeOrder.indexOf(b.type));
        for (const component of ordered) {
          const where = {
            fileName: component.fileName,
            fullName: component.fullName,
            componentType: component.resultType,
          };
          const key = `${component.type}:${component.fullName}`;
          const refused =
            context.failingComponents.get(key) ?? componentProblems.get(component) ?? context.refuse(component.type);
          const unapplied = context.unappliedComponents?.has(key) === true;
          const outcome =
            refused !== undefined
              ? { ok: false as const, problem: refused }
              : unapplied
                ? { ok: true as const, created: false, id: "" }
                : applyComponent(component, context);
          if (outcome.ok) successes.push(message(where, { created: outcome.created, id: outcome.id }));
          else failures.push(message(where, { problem: outcome.problem }));
        }
        if (read.missing.length === 0)
          successes.unshift(message({ fileName: packageFile, fullName: "package.xml", componentType: "" }, {}));
      }
    }
    const componentFailures = failures.filter((f) => f["componentType"] !== "");
    const deployedAny = successes.some((s) => s["componentType"] !== "");
    let status: DeployJob["result"]["status"];
    if (failures.length === 0) status = "Succeeded";
    else if (options.rollbackOnError || !deployedAny) status = "Failed";
    else status = "SucceededPartial";
    const persist = !options.checkOnly && status !== "Failed";
    if (persist) context.commit();
    return {
      status,
      successes: status === "Failed" ? [] : successes,
      failures,
      total,
      ...(componentFailures.length === 0 && failures.length > 0
        ? { errorMessage: String(failures[0]!["problem"]) }
        : {}),
    };
  }
}

/** The DeployResult a `checkDeployStatus` answers now (each call counts as one poll). */
export function deployStatus(
  job: DeployJob,
  includeDetails: boolean,
  createdBy: { id: string; name: string },
): Record<string, XmlValue> {
  const polling = job.land !== undefined || job.polls < job.pollsLeft;
  const status = polling ? (job.polls === 0 ? "Pending" : "InProgress") : job.result.status;
  job.polls++;
  const componentErrors = job.result.failures.filter((f) => f["componentType"] !== "").length;
  const deployed = job.result.successes.filter((s) => s["componentType"] !== "").length;
  const runTestResult = { numFailures: 0, numTestsRun: 0, totalTime: 0 };
  // Keys in the WSDL's xsd:sequence order of DeployResult (the element order is part of the contract).
  return {
    checkOnly: job.options.checkOnly,
    ...(polling ? {} : { completedDate: job.completedDate.toISOString() }),
    createdBy: createdBy.id,
    createdByName: createdBy.name,
    createdDate: job.createdDate.toISOString(),
    details:
      includeDetails && !polling
        ? { componentFailures: job.result.failures, componentSuccesses: job.result.successes, runTestResult }
        : {},
    done: !polling,
    ...(!polling && job.result.errorMessage
      ? { errorMessage: job.result.errorMessage, errorStatusCode: "UNKNOWN_EXCEPTION" }
      : {}),
    id: job.id,
    ignoreWarnings: job.options.ignoreWarnings,
    lastModifiedDate: job.createdDate.toISOString(),
    numberComponentErrors: polling ? 0 : componentErrors,
    numberComponentsDeployed: polling ? 0 : deployed,
    numberComponentsTotal: job.result.total,
    numberTestErrors: 0,
    numberTestsCompleted: 0,
    numberTestsTotal: 0,
    rollbackOnError: job.options.rollbackOnError,
    runTestsEnabled: false,
    ...(status !== "Pending" ? { startDate: job.createdDate.toISOString() } : {}),
    status,
    success: !polling && job.result.status === "Succeeded",
  };
}
