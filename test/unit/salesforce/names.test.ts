/** Names compared as Salesforce compares them: without regard to case, keeping the org's spelling. */
import test from "ava";
import { findSalesforceName, SalesforceNameSet, sameSalesforceName } from "../../../provider/salesforce/names";

test("names that differ only in case are one; names that differ otherwise are not", (t) => {
  t.true(sameSalesforceName("Acme_IdP", "ACME_IDP"));
  t.false(sameSalesforceName("Acme_IdP", "Acme_IdP_G2"));
  t.false(sameSalesforceName("Acme_IdP", "Acme_Id"));
});

test("findSalesforceName answers in the org's spelling", (t) => {
  t.is(findSalesforceName(["Other", "Acme_IdP"], "acme_idp"), "Acme_IdP");
  t.is(findSalesforceName(["Other"], "acme_idp"), undefined);
});

test("SalesforceNameSet: has ignores case, keeps the first spelling, one entry per name", (t) => {
  const set = new SalesforceNameSet(["Acme_IdP", "ACME_IDP", "Other"]);
  t.is(set.size, 2);
  t.true(set.has("acme_idp"));
  t.false(set.has("acme"));
  t.deepEqual([...set], ["Acme_IdP", "Other"]);
  t.true(set.delete("ACME_idp"));
  t.false(set.has("Acme_IdP"));
  t.deepEqual([...set], ["Other"]);
});
