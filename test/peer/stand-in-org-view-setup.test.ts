/**
 * "View Setup and Configuration" in the stand-in org, seen through plain HTTP (not jsforce): a user without
 * it is refused by the Tooling Certificate query and by the Metadata API, while the same org answers a user
 * who holds it; the answers are the ones metadata-api.ts and tooling.ts cite.
 */
import test from "ava";
import { startStandInOrg } from "../helpers/stand-in-org";

const soapList = (sessionId: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="http://soap.sforce.com/2006/04/metadata"><soapenv:Header><SessionHeader><sessionId>${sessionId}</sessionId></SessionHeader></soapenv:Header><soapenv:Body><listMetadata><queries><type>Certificate</type></queries><asOfVersion>66.0</asOfVersion></listMetadata></soapenv:Body></soapenv:Envelope>`;

test("a user without View Setup and Configuration is refused by Tooling and the Metadata API; an admin is not", async (t) => {
  const org = await startStandInOrg({
    users: [
      { username: "admin@greenmoor.example", profile: "System Administrator" },
      { username: "auditor@greenmoor.example", profile: "Read Only", viewSetupAndConfiguration: false },
    ],
    certificates: [{ fullName: "Greenmoor_IdP_2026" }],
  });
  try {
    const query = encodeURIComponent("SELECT Id, DeveloperName FROM Certificate");
    const tooling = (token: string) =>
      fetch(`${org.url}/services/data/v66.0/tooling/query?q=${query}`, {
        headers: { authorization: `Bearer ${token}` },
      });
    const metadata = (token: string) =>
      fetch(`${org.url}/services/Soap/m/66.0`, {
        method: "POST",
        headers: { "content-type": "text/xml", soapaction: '""' },
        body: soapList(token),
      });

    const admin = org.issueSession("admin@greenmoor.example");
    const adminRows = await tooling(admin);
    t.is(adminRows.status, 200);
    t.is(((await adminRows.json()) as { totalSize: number }).totalSize, 1);
    const adminList = await metadata(admin);
    t.is(adminList.status, 200);
    t.regex(await adminList.text(), /<fullName>Greenmoor_IdP_2026<\/fullName>/);

    const auditor = org.issueSession("auditor@greenmoor.example");
    const refusedRows = await tooling(auditor);
    t.is(refusedRows.status, 403);
    t.is(((await refusedRows.json()) as { errorCode: string }[])[0]!.errorCode, "INSUFFICIENT_ACCESS");
    const refusedList = await metadata(auditor);
    t.is(refusedList.status, 500);
    const fault = await refusedList.text();
    t.regex(fault, /<faultcode>sf:INSUFFICIENT_ACCESS<\/faultcode>/);
    t.regex(fault, /use of the Metadata API requires a user with the ModifyAllData or ModifyMetadata permissions/);
    t.notRegex(fault, /Greenmoor_IdP_2026/);
  } finally {
    await org.close();
  }
});
