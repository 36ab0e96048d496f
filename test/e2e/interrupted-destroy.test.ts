/**
 * The removal rule survives an interrupted or failed destroy, through the command line and the real
 * engine: `destroy` lifts the protection of what it deletes only after writing it to a journal beside
 * the state. Killed (SIGKILL, the whole process group) between lifting protection and deleting, the next
 * command puts the protection back; an `up` of an inventory that dropped an entry is refused whatever the
 * protect flags say (also when they were lifted by hand), and the decrypted state still holds the keys.
 * A destroy the org refuses (a certificate in use by the IdP) puts the protection of what is left back.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "ava";
import { testInstant } from "../helpers/test-clock";
import { openLocalStack, stateFilePath } from "../../provider/engine/local-stack";
import { journalPath } from "../../provider/engine/protection-journal";
import { repoRoot, runCli } from "../helpers/cli";
import { canonical, storedPrimesPattern } from "../helpers/engine";
import { greenmoorCiUser, openGreenmoorRepo } from "../helpers/greenmoor-story";
import { startOrgForProvider } from "../helpers/org-mode";
import { pulumi, userEnvironment } from "../helpers/plain-pulumi";
import { identityProviderSource, sourceFormatZip } from "../helpers/stand-in-org";

const passphrase = "interrupted-destroy-passphrase";
const fixture = (name: string) => path.join(repoRoot, "test", "fixtures", "e2e-inventories", name);
const ourType = "pulumi-nodejs:dynamic/salesforce:";

/** Our resources in a checkpoint: name → protect flag, in the checkpoint's order. */
function protectFlags(checkpointText: string): [string, boolean][] {
  const resources =
    (
      JSON.parse(checkpointText) as {
        checkpoint: { latest?: { resources?: { urn: string; type: string; protect?: boolean }[] } };
      }
    ).checkpoint.latest?.resources ?? [];
  return resources
    .filter((r) => r.type.startsWith(ourType))
    .map((r) => [`${r.type.slice(ourType.length)} ${r.urn.split("::").pop()}`, r.protect === true]);
}

/** Our resources' decrypted outputs by URN, order and timestamps aside: equal when the keys are the same. */
function ourOutputs(resources: { urn: string; type: string; outputs?: unknown }[]): string {
  return canonical(
    Object.fromEntries(resources.filter((r) => r.type.startsWith(ourType)).map((r) => [r.urn, r.outputs])),
  );
}

test.serial(
  "destroy killed between lifting protection and deleting: the next up puts it back and refuses a dropped entry; so it does for one unprotected by hand",
  async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-e2e-interrupted-"));
    t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
    // The provider's clock is the test's: nothing here depends on the day it runs.
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PULUMI_CONFIG_PASSPHRASE: passphrase,
      SALESFORCE_CERTS_NOW: testInstant,
    };
    delete env["PULUMI_CONFIG_PASSPHRASE_FILE"];
    const stateDir = path.join(dir, ".pulumi-state");
    const checkpoint = () => fs.readFileSync(stateFilePath(stateDir, "salesforce-certs", "acme"), "utf8");
    const journal = journalPath(stateDir, "salesforce-certs", "acme");
    const decrypted = async () => {
      const stack = await openLocalStack({
        stackName: "acme",
        program: async () => ({}),
        stateDir,
        workDir: dir,
        passphrase,
        mustExist: true,
      });
      const resources = (
        (await stack.exportStack()).deployment as { resources: { urn: string; type: string; outputs?: unknown }[] }
      ).resources;
      t.regex(JSON.stringify(resources), storedPrimesPattern, "the export is decrypted: the keys are there to compare");
      return ourOutputs(resources);
    };

    const first = runCli(["up", "--stack", "acme", "--inventory", fixture("acme.yaml")], dir, env);
    t.is(first.status, 0, first.stdout + first.stderr);
    const before = await decrypted();
    const names = protectFlags(checkpoint()).map(([name]) => name);
    t.deepEqual(
      protectFlags(checkpoint()),
      names.map((n) => [n, true]),
    );

    // destroy, killed (the whole process group: the command line and the engine) once protection is lifted.
    const child = spawn(
      process.execPath,
      [path.join(repoRoot, "build", "provider", "cli", "main.js"), "destroy", "--stack", "acme"],
      { cwd: dir, env, detached: true },
    );
    let seen = "";
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`protection was not lifted within 120 s:\n${seen}`)), 120_000);
      child.stdout.on("data", (chunk: Buffer) => {
        seen += chunk.toString();
        if (
          seen.includes(
            "[salesforce-certs] destroy: lifted the protection of 3 resource(s) to delete them; if destroy fails or is interrupted, it is put back",
          )
        ) {
          clearTimeout(timer);
          process.kill(-child.pid!, "SIGKILL");
          resolve();
        }
      });
    });
    await new Promise((resolve) => child.on("exit", resolve));
    t.deepEqual(
      protectFlags(checkpoint()),
      names.map((n) => [n, false]),
      "killed after lifting protection, before deleting anything",
    );
    t.is(
      (JSON.parse(fs.readFileSync(journal, "utf8")) as { urns: string[] }).urns.length,
      3,
      "the journal lists what was lifted",
    );

    // The next up, of an inventory that dropped Acme_CI: protection back first, then the removal refused.
    const refused = runCli(["up", "--stack", "acme", "--inventory", fixture("acme-without-ci.yaml")], dir, env);
    t.is(refused.status, 1, refused.stdout + refused.stderr);
    t.deepEqual(refused.stderr.split("\n").filter(Boolean), [
      `[salesforce-certs] put back the protection of ${names.join(", ")}: an interrupted destroy had lifted it and not deleted them`,
      "error: up: refused: the inventory no longer declares JwtIntegration Acme_CI; up deletes it (with its keys or credentials) only when named: salesforce-certs up --allow-delete Acme_CI (nothing was changed)",
    ]);
    t.deepEqual(
      protectFlags(checkpoint()),
      names.map((n) => [n, true]),
    );
    t.false(fs.existsSync(journal), "the journal is done with");
    t.is(await decrypted(), before, "the decrypted state still holds every key");

    // Protection lifted by hand (plain pulumi, no journal): the removal is refused all the same.
    const plain = userEnvironment(stateDir, path.join(dir, "home"), { PULUMI_CONFIG_PASSPHRASE: passphrase });
    const lifted = pulumi(["state", "unprotect", "--all", "--yes", "--stack", "acme"], dir, plain);
    t.is(lifted.status, 0, lifted.text);
    t.deepEqual(
      protectFlags(checkpoint()),
      names.map((n) => [n, false]),
    );
    // This time the dropped entry comes through SALESFORCE_CERTS_INVENTORY (relative to the project folder),
    // which the program takes before the inventory kept in the stack config.
    fs.copyFileSync(fixture("acme-without-ci.yaml"), path.join(dir, "dropped.yaml"));
    const refusedAgain = runCli(["up", "--stack", "acme"], dir, { ...env, SALESFORCE_CERTS_INVENTORY: "dropped.yaml" });
    t.is(refusedAgain.status, 1, refusedAgain.stdout + refusedAgain.stderr);
    t.deepEqual(refusedAgain.stderr.split("\n").filter(Boolean), [
      "error: up: refused: the inventory no longer declares JwtIntegration Acme_CI; up deletes it (with its keys or credentials) only when named: salesforce-certs up --allow-delete Acme_CI (nothing was changed)",
    ]);
    t.is(await decrypted(), before, "nothing was deleted");

    // Named, it goes; then destroy runs to its end and leaves no journal.
    const acknowledged = runCli(
      ["up", "--stack", "acme", "--inventory", fixture("acme-without-ci.yaml"), "--allow-delete", "Acme_CI"],
      dir,
      env,
    );
    t.is(acknowledged.status, 0, acknowledged.stdout + acknowledged.stderr);
    t.regex(acknowledged.stdout, /- 1 deleted/);
    const destroyed = runCli(["destroy", "--stack", "acme"], dir, env);
    t.is(destroyed.status, 0, destroyed.stdout + destroyed.stderr);
    t.regex(destroyed.stdout, /- 3 deleted/);
    t.false(fs.existsSync(journal));
  },
);

test.serial(
  "a destroy the org refuses (a certificate the IdP signs with) puts back the protection of what it did not delete",
  async (t) => {
    const start = "2026-12-01T09:00:00.000Z";
    const theirs = "Greenmoor_Legacy_Signing";
    const { org, deployer, admin } = await startOrgForProvider(start, {
      users: [greenmoorCiUser],
      certificates: [{ fullName: theirs, masterLabel: "Greenmoor legacy signing" }],
    });
    t.teardown(() => org.close());
    const repo = await openGreenmoorRepo(org, deployer, start);
    t.teardown(() => repo.dispose());
    const up = await repo.cli(["up", "--inventory", repo.inventory], start);
    t.is(up.status, 0, up.text);
    t.true(protectFlags(repo.readState()).every(([, protect]) => protect));

    // A SAML app made by hand on the org's one IdP: the org then refuses to delete the IdP's certificate.
    const byHand = { singlePackage: true, rollbackOnError: true };
    const files = (await repo.outputs())["samlBindings"]["Partner_Portal_SSO"]["salesforceFiles"] as Record<
      string,
      string
    >;
    const wiki = (text: string) =>
      text
        .replaceAll("Partner_Portal_SSO", "Greenmoor_Wiki_SSO")
        .replaceAll("portal.partner.example", "wiki.greenmoor.example");
    await admin()
      .metadata.deploy(
        await sourceFormatZip(
          Object.fromEntries(
            Object.entries(files)
              .filter(([file]) => !file.startsWith("settings/"))
              .map(([file, text]) => [wiki(file), wiki(text)]),
          ),
        ),
        byHand,
      )
      .complete(true);

    const refused = await repo.cli(["destroy"], start);
    t.is(refused.status, 1, refused.text);
    t.true(
      refused.text.includes(
        "[salesforce-certs] destroy: lifted the protection of 4 resource(s) to delete them; if destroy fails or is interrupted, it is put back",
      ),
      refused.text,
    );
    const left = protectFlags(repo.readState());
    t.deepEqual(
      left,
      [["CertificateAndKeyPair Greenmoor_IdP_Signing", true]],
      "what the org kept is in the state, protected again",
    );
    t.true(
      refused.text.includes(
        "[salesforce-certs] put back the protection of CertificateAndKeyPair Greenmoor_IdP_Signing: the failed destroy had lifted it and not deleted it",
      ),
      refused.text,
    );
    t.false(
      fs.existsSync(journalPath(path.join(repo.dir, ".pulumi-state"), "salesforce-certs", "greenmoor")),
      "the journal is done with",
    );

    // Once the IdP signs with another certificate, destroy finishes.
    await admin()
      .metadata.deploy(await sourceFormatZip(identityProviderSource(theirs)), byHand)
      .complete(true);
    const destroyed = await repo.cli(["destroy"], start);
    t.is(destroyed.status, 0, destroyed.text);
    t.deepEqual(protectFlags(repo.readState()), []);
  },
);
